package cluster

import (
	"testing"
	"time"
	"unicode/utf8"
)

func TestEscapeLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext":     "plain\ttext",
		"crlf\r":          "crlf",
		"héllo ☃":         "héllo ☃",
		"\xff\xfe":        `\xff\xfe`,
		"nul\x00bell\x07": `nul\x00bell\x07`,
		"\x1b[1mbold":     `\x1b[1mbold`,
		"del\x7f":         `del\x7f`,
		"cut \xe2\x98":    `cut \xe2\x98`,
		"mid\rline":       `mid\x0dline`,
		"":                "",
	} {
		got := escapeLine([]byte(in))
		if got != want || !utf8.ValidString(got) {
			t.Errorf("escapeLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzEscapeLine(f *testing.F) {
	f.Add([]byte("hello\xff\x00\x1b"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s := escapeLine(b); !utf8.ValidString(s) {
			t.Fatalf("escapeLine(%q) = %q is not UTF-8", b, s)
		}
	})
}

func TestLogBufBoundsLinesAndBytes(t *testing.T) {
	var b logBuf
	for i := uint64(1); i <= 50; i++ {
		b.add(LogLine{Seq: i, Text: "0123456789"}, 10, 1000)
	}
	if len(b.lines) != 10 || b.lines[0].Seq != 41 || b.evicted != 40 {
		t.Fatalf("by lines: %d kept from %d, evicted %d", len(b.lines), b.lines[0].Seq, b.evicted)
	}
	for i := uint64(51); i <= 60; i++ {
		b.add(LogLine{Seq: i, Text: "0123456789"}, 100, 35)
	}
	if len(b.lines) != 3 || b.bytes != 30 {
		t.Fatalf("by bytes: %d lines, %d bytes; want 3, 30", len(b.lines), b.bytes)
	}
	b.add(LogLine{Seq: 61, Text: string(make([]byte, 100))}, 100, 35)
	if len(b.lines) != 1 || b.lines[0].Seq != 61 {
		t.Fatalf("one line over the byte cap stays alone: %+v", b.lines)
	}
}

func TestRateBucketCapsBytesPerSecond(t *testing.T) {
	var b rateBucket
	start := time.Unix(1000, 0)
	kept := 0
	for i := range 10_000 { // 10,000 lines of 1 KiB in one second: 10 MiB offered
		if b.take(1024, start.Add(time.Duration(i)*100*time.Microsecond)) {
			kept++
		}
	}
	// A full bucket (2 MiB) plus a second's refill (2 MiB): about 4096 lines.
	if kept < 4000 || kept > 4100 {
		t.Errorf("kept %d lines of 1 KiB, want about 4096", kept)
	}
}
