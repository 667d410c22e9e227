package cluster

import (
	"bytes"
	"io"
	"strconv"
	"sync"
)

// prefixWriter copies a worker's output to the primary's, one whole line at a time,
// each prefixed "[worker N] " so interleaved output stays readable.
type prefixWriter struct {
	mu     sync.Mutex
	dst    io.Writer
	prefix []byte
	buf    []byte
}

// maxLine bounds a line kept waiting for its newline; longer lines are split.
const maxLine = 64 << 10

func newPrefixWriter(dst io.Writer, id int) *prefixWriter {
	return &prefixWriter{dst: dst, prefix: []byte("[worker " + strconv.Itoa(id) + "] ")}
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	var out []byte
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 && len(w.buf) < maxLine {
			break
		}
		end := i + 1
		if i < 0 {
			end = maxLine
		}
		out = append(out, w.prefix...)
		out = append(out, w.buf[:end]...)
		if i < 0 {
			out = append(out, '\n')
		}
		w.buf = w.buf[end:]
	}
	if len(out) > 0 {
		if _, err := w.dst.Write(out); err != nil {
			return len(b), nil // the primary's log failing must not kill the worker
		}
	}
	if len(w.buf) == 0 {
		w.buf = nil
	}
	return len(b), nil
}
