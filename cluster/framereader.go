package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

func appendInt(buf []byte, n int64) []byte { return strconv.AppendInt(buf, n, 10) }

// frameReader splits a stream into newline-terminated frames of at most max bytes.
type frameReader struct {
	r   *bufio.Reader
	max int
	big []byte // reassembles frames longer than the bufio buffer
}

func newFrameReader(r io.Reader, max int) *frameReader {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	size := 64 << 10
	if max < size {
		size = max + 1
		if size < 16 {
			size = 16
		}
	}
	return &frameReader{r: bufio.NewReaderSize(r, size), max: max}
}

// next returns the next frame's bytes without the newline. The slice is valid until
// the next call. A frame longer than max is an error: the stream is then unusable.
func (fr *frameReader) next() ([]byte, error) {
	line, err := fr.r.ReadSlice('\n')
	if err == nil {
		return fr.check(line[:len(line)-1])
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF && len(line) > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	fr.big = append(fr.big[:0], line...)
	for {
		if len(fr.big) > fr.max {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrFrameTooLarge, fr.max)
		}
		line, err = fr.r.ReadSlice('\n')
		fr.big = append(fr.big, line...)
		switch err {
		case nil:
			return fr.check(fr.big[:len(fr.big)-1])
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}

func (fr *frameReader) check(line []byte) ([]byte, error) {
	if len(line) > fr.max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, len(line), fr.max)
	}
	return line, nil
}

// buffered reports whether another frame may be read without blocking, so callers
// can hand frames on in batches.
func (fr *frameReader) buffered() bool { return fr.r.Buffered() > 0 }

// The prefixes of the frames this package writes most. decodeFast recognises them.
const (
	msgPrefix    = `{"t":"msg","d":`
	jobPrefix    = `{"t":"job","job":`
	resultPrefix = `{"t":"result","job":`
)

// decodeFast parses the hot frames exactly as appendFrame writes them, without
// reflection. It reports false for anything else, even valid JSON with other
// spacing or field order, which then goes through encoding/json: the fast path
// only ever accepts lines that encoding/json would decode the same way.
func decodeFast(line []byte) (frame, bool) {
	s := scanner{b: line, ok: true}
	var f frame
	switch {
	case s.lit(msgPrefix):
		return decodeMsg(s.b)
	case s.lit(jobPrefix):
		f.T, f.Job = frameJob, s.int()
		s.expect(`,"kind":`)
		f.Kind = s.name()
		s.expect(`,"in":`)
		f.In = s.value()
	case s.lit(resultPrefix):
		f.T, f.Job = frameResult, s.int()
		if s.lit(`,"out":`) {
			f.Out = s.value()
		}
		if s.lit(`,"ms":`) {
			f.MS = s.num()
		}
	default:
		return f, false
	}
	s.expect("}")
	return f, s.ok && len(s.b) == 0
}

// decodeMsg takes the rest of a msg frame after its prefix: one JSON value and "}".
func decodeMsg(rest []byte) (frame, bool) {
	n := len(rest) - 1
	if n < 1 || rest[n] != '}' || isSpace(rest[0]) || isSpace(rest[n-1]) || !json.Valid(rest[:n]) {
		return frame{}, false
	}
	return frame{T: frameMsg, D: bytes.Clone(rest[:n])}, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// scanner walks a frame; after the first mismatch ok is false and every further
// step does nothing.
type scanner struct {
	b  []byte
	ok bool
}

// lit consumes p if the input starts with it.
func (s *scanner) lit(p string) bool {
	if !s.ok || len(s.b) < len(p) || string(s.b[:len(p)]) != p {
		return false
	}
	s.b = s.b[len(p):]
	return true
}

func (s *scanner) expect(p string) {
	if !s.lit(p) {
		s.ok = false
	}
}

// int consumes a JSON integer of at most 18 digits (longer ones are left to
// encoding/json), so it cannot overflow.
func (s *scanner) int() int64 {
	b, i := s.b, 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	start := i
	var n int64
	for ; i < len(b) && isDigit(b[i]) && i-start < 18; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	digits := i - start
	if !s.ok || digits == 0 || (digits > 1 && b[start] == '0') || (i < len(b) && isDigit(b[i])) {
		s.ok = false
		return 0
	}
	s.b = b[i:]
	if start > 0 {
		n = -n
	}
	return n
}

// value consumes one JSON value written without spaces around it and returns a
// copy, as encoding/json fills a json.RawMessage. Integers of one or two
// characters share static copies: they are most results of tiny jobs, and a
// million-job list then holds no allocation per result.
func (s *scanner) value() json.RawMessage {
	n := valueLen(s.b)
	if !s.ok || n == 0 {
		s.ok = false
		return nil
	}
	v := s.b[:n]
	if numberLen(v) != n && !json.Valid(v) { // numberLen checked a number already
		s.ok = false
		return nil
	}
	s.b = s.b[n:]
	return cloneValue(v)
}

// smallInts holds "0".."99" and "-1".."-9", the values cloneValue shares.
var smallInts = func() map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, 109)
	for i := -9; i < 100; i++ {
		v := strconv.Itoa(i)
		m[v] = json.RawMessage(v)
	}
	return m
}()

func cloneValue(v []byte) json.RawMessage {
	if len(v) <= 2 {
		if shared, ok := smallInts[string(v)]; ok {
			return shared
		}
	}
	return bytes.Clone(v)
}

// valueLen is the length of the JSON value at the start of b, judged only by its
// shape (strings, brackets, numbers, literals), or 0 if it does not look like one;
// the caller validates what it spans. It never reads past b.
func valueLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch c := b[0]; {
	case c == '"':
		return stringLen(b)
	case c == '{' || c == '[':
		return nestedLen(b)
	case c == '-' || isDigit(c):
		return numberLen(b)
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(b) >= len(lit) && string(b[:len(lit)]) == lit {
			return len(lit)
		}
	}
	return 0
}

// stringLen is the length of the quoted string at the start of b, escapes
// skipped, or 0 if it does not end.
func stringLen(b []byte) int {
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return 0
}

// nestedLen is the length of the object or array at the start of b: up to the
// bracket that closes the first one, strings skipped.
func nestedLen(b []byte) int {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			n := stringLen(b[i:])
			if n == 0 {
				return 0
			}
			i += n - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// num consumes a JSON number.
func (s *scanner) num() float64 {
	n := numberLen(s.b)
	if !s.ok || n == 0 {
		s.ok = false
		return 0
	}
	x, err := strconv.ParseFloat(string(s.b[:n]), 64)
	if err != nil {
		s.ok = false
		return 0
	}
	s.b = s.b[n:]
	return x
}

// numberLen is the length of the JSON number at the start of b, 0 if there is none:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && isDigit(b[i]):
		i = digitsFrom(b, i)
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		if j := digitsFrom(b, i+1); j > i+1 {
			i = j
		} else {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		j := i + 1
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if k := digitsFrom(b, j); k > j {
			i = k
		} else {
			return 0
		}
	}
	return i
}

func digitsFrom(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// name consumes a quoted job kind name made of the characters registry names use;
// anything that would need unescaping is left to encoding/json.
func (s *scanner) name() string {
	if !s.lit(`"`) {
		s.ok = false
		return ""
	}
	i := 0
	for i < len(s.b) && isNameByte(s.b[i]) {
		i++
	}
	if i == 0 || i >= len(s.b) || s.b[i] != '"' {
		s.ok = false
		return ""
	}
	name := string(s.b[:i])
	s.b = s.b[i+1:]
	return name
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_' || c == '-' || c == '.'
}
