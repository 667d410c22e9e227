package cluster

import (
	"errors"
	"io"
	"sync"
)

// ErrSendQueueFull is returned by Send when the peer has not read what was already
// sent and the queue reached its limit.
var ErrSendQueueFull = errors.New("send queue full")

// ErrClosed is returned when sending on a closed channel or using a closed cluster.
var ErrClosed = errors.New("closed")

// frameWriter batches frames: callers append under a mutex and never block on the
// socket; one goroutine writes everything queued so far in a single write. That turns
// many small frames into few syscalls, which is what makes pipelining fast.
type frameWriter struct {
	w     io.Writer
	limit int

	mu      sync.Mutex
	pending []byte
	spare   []byte
	closed  bool
	err     error
	wake    chan struct{}
	done    chan struct{}
}

func newFrameWriter(w io.Writer, limit int) *frameWriter {
	fw := &frameWriter{w: w, limit: limit, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go fw.loop()
	return fw
}

// send queues one frame.
func (fw *frameWriter) send(f *frame) error {
	fw.mu.Lock()
	if fw.closed {
		fw.mu.Unlock()
		return ErrClosed
	}
	if fw.err != nil {
		err := fw.err
		fw.mu.Unlock()
		return err
	}
	if fw.limit > 0 && len(fw.pending) > fw.limit {
		fw.mu.Unlock()
		return ErrSendQueueFull
	}
	var err error
	fw.pending, err = appendFrame(fw.pending, f)
	fw.mu.Unlock()
	if err != nil {
		return err
	}
	select {
	case fw.wake <- struct{}{}:
	default:
	}
	return nil
}

func (fw *frameWriter) loop() {
	defer close(fw.done)
	for range fw.wake {
		for {
			fw.mu.Lock()
			buf := fw.pending
			fw.pending = fw.spare[:0]
			closed := fw.closed
			fw.mu.Unlock()
			if len(buf) == 0 {
				fw.spare = buf
				if closed {
					return
				}
				break
			}
			_, err := fw.w.Write(buf)
			fw.mu.Lock()
			fw.spare = buf[:0]
			if err != nil && fw.err == nil {
				fw.err = err
			}
			fw.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// close flushes what is queued, stops the writer goroutine and waits for it.
func (fw *frameWriter) close() {
	fw.mu.Lock()
	already := fw.closed
	fw.closed = true
	fw.mu.Unlock()
	if !already {
		select {
		case fw.wake <- struct{}{}:
		default:
		}
	}
	<-fw.done
}
