package cluster

import (
	"bytes"
	"io"
	"os/exec"
	"strconv"
	"sync"
)

// prefixWriter copies one of a worker's output streams to the primary's, one whole
// line at a time, each prefixed "[worker N] " (stdout) or "[worker N stderr] " so
// interleaved output stays readable and says which stream a line came from. A last
// line without a newline is written by flush once the worker exited.
type prefixWriter struct {
	mu     sync.Mutex
	dst    io.Writer
	prefix []byte
	buf    []byte
}

// maxLine bounds a line kept waiting for its newline; longer lines are split.
const maxLine = 64 << 10

// Stream tags for newPrefixWriter.
const (
	streamStdout = ""
	streamStderr = "stderr"
)

func newPrefixWriter(dst io.Writer, id int, stream string) *prefixWriter {
	tag := "[worker " + strconv.Itoa(id)
	if stream != streamStdout {
		tag += " " + stream
	}
	return &prefixWriter{dst: dst, prefix: []byte(tag + "] ")}
}

// flush writes what is left of an unfinished last line, with a newline. It is
// called after the worker exited and its output was copied to the end.
func (w *prefixWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return
	}
	out := append(append(append([]byte(nil), w.prefix...), w.buf...), '\n')
	w.buf = nil
	w.dst.Write(out) // the primary's log failing is no reason to fail anything else
}

// flushOutput flushes the prefix writers of a worker that exited.
func flushOutput(cmd *exec.Cmd) {
	for _, w := range []io.Writer{cmd.Stdout, cmd.Stderr} {
		if f, ok := w.(flusher); ok {
			f.flush()
		}
	}
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
