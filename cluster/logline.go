package cluster

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// LogLine is one line a worker printed on stdout or stderr, as the pool keeps it.
// Seq grows by one per line pool-wide (its own count, not the events'), so a reader
// asks for the lines after the last seq it saw.
type LogLine struct {
	Seq    uint64    `json:"seq"`
	Worker int       `json:"worker"`
	Stream string    `json:"stream"` // StreamStdout or StreamStderr
	Time   time.Time `json:"time"`
	// Text is the line without its newline, always valid UTF-8: a byte that is not
	// UTF-8, and a control character other than tab, is written as \xNN.
	Text string `json:"text"`
	// Partial marks a piece that did not end with a newline: a line longer than
	// LogLineMax split into pieces, or the last output of a worker that exited.
	Partial bool `json:"partial,omitempty"`
}

// The streams of a LogLine.
const (
	StreamStdout = "stdout"
	StreamStderr = "stderr"
)

// LogLineMax is the longest LogLine.Text in bytes before escaping: a longer line is
// kept as several pieces, each marked Partial but the last.
const LogLineMax = 4096

// escapeLine turns raw output into valid UTF-8 text: a trailing CR (of CRLF) is
// dropped, bytes that are not UTF-8 and control characters become \xNN, so a
// binary stream can neither break the JSON nor drive a terminal.
func escapeLine(b []byte) string {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if plain(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20 && r != '\t', r == 0x7f:
			out = append(out, '\\', 'x')
			if b[0] < 0x10 {
				out = append(out, '0')
			}
			out = strconv.AppendUint(out, uint64(b[0]), 16)
			size = 1
		default:
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return string(out)
}

// plain says b is printable ASCII (and tabs): the common case, kept as it is.
func plain(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t') || c >= 0x7f {
			return utf8.Valid(b) && noControls(b)
		}
	}
	return true
}

// noControls says valid UTF-8 text b has no control characters but tabs.
func noControls(b []byte) bool {
	for _, r := range string(b) {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}
