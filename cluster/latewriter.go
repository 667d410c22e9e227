package cluster

import (
	"io"
	"sync"
)

// lateWriter is a standby's stdout or stderr: it is started before anyone knows
// which worker it will be, so its output's destination (the prefix "[worker N]"
// and the log store of that id) is attached when it is assigned. What it printed
// before (normally nothing) is kept, up to maxLine bytes, and written then.
type lateWriter struct {
	mu  sync.Mutex
	dst io.Writer
	buf []byte
}

func (w *lateWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dst != nil {
		return w.dst.Write(b)
	}
	if room := maxLine - len(w.buf); room > 0 {
		w.buf = append(w.buf, b[:min(len(b), room)]...)
	}
	return len(b), nil
}

// attach sends the output from now on to dst, after what was kept; a nil dst
// drops it.
func (w *lateWriter) attach(dst io.Writer) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if dst == nil {
		dst = io.Discard
	}
	w.dst = dst
	if len(w.buf) > 0 {
		dst.Write(w.buf) // the primary's log failing is no reason to fail anything else
		w.buf = nil
	}
}

// flush flushes the destination's unfinished last line once the process exited.
func (w *lateWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f, ok := w.dst.(flusher); ok {
		f.flush()
	}
}

// attachOutput attaches dst to w when w is a standby's lateWriter.
func attachOutput(w, dst io.Writer) {
	if lw, ok := w.(*lateWriter); ok {
		lw.attach(dst)
	}
}
