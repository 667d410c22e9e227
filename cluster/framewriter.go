package cluster

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrSendQueueFull is returned by Send when the peer has not read what was already
// sent and the queue reached its limit.
var ErrSendQueueFull = errors.New("send queue full")

// ErrClosed is returned when sending on a closed channel or using a closed cluster.
var ErrClosed = errors.New("closed")

// frameWriter sends frames without ever blocking its callers on the socket, and
// picks per frame between two ways of getting it there:
//
//   - A lone frame (nothing queued, nothing sent in the last burstGap) is written at
//     once by the caller with one non-blocking write. That keeps a request and its
//     answer free of a hand-off to another goroutine, which on two cores costs as
//     much as the socket itself.
//   - Frames that come in a burst are appended under a mutex and one goroutine writes
//     everything queued so far in a single write. That turns many small frames into
//     few syscalls, which is what makes pipelining fast.
//
// A write that would block, or writes only part, leaves the rest to the goroutine.
// At most one of them writes at a time (writing), so bytes keep their order.
type frameWriter struct {
	w     io.Writer
	uc    *net.UnixConn   // nil when w is no Unix socket: no descriptors can be passed
	raw   syscall.RawConn // nil when w has no file descriptor: every frame queues
	limit int
	// maxFrame is the largest frame the peer reads (0: no check). A larger one is
	// refused here with ErrFrameTooLarge: sent, it would make the peer drop the
	// channel, and with it the worker, for one oversized message.
	maxFrame int

	mu      sync.Mutex
	pending []byte
	marks   []fdMark // frames in pending that carry descriptors, in order
	spare   []byte
	writing bool      // the goroutine or a caller is writing; the others queue
	last    time.Time // the last send, to tell a burst from a lone frame
	lastMsg time.Time // the last message (sendMessage), to tell a stream of them
	hold    time.Time // pending holds only streamed messages: written at hold
	closed  bool
	err     error
	wake    chan struct{}
	done    chan struct{}

	// heard is set by the reader of the same channel for each frame it receives:
	// a message sent after one answers it, and is written at once.
	heard atomic.Bool
}

// burstGap: a frame sent sooner than this after the previous one is part of a
// burst and queues. It is well under a round trip (tens of µs), so request/answer
// traffic always writes through, and well over the time a loop takes to send its
// next frame, so a stream always batches.
const burstGap = 10 * time.Microsecond

// msgLinger is how long a streamed message may wait for company. A message is
// streamed when the sender sends messages less than msgLinger apart and heard
// nothing from the peer since its last send: one notifyRequest per HTTP request,
// say, tens of microseconds apart, each alone in a write. Written at once, every
// one of them cost a write here and a wake-up and a read in the peer (~14 µs of
// the primary's CPU each under wrk); held, the messages of one msgLinger go in
// one write (2 ms: a few tens of messages under wrk; at 500 µs a write held too
// few to pay for the wake-ups it costs). A message that answers one
// (request/answer, as BenchmarkRoundTrip measures) never waits: the reader heard a
// frame since the last send. docs/performance.md has the measurements.
const msgLinger = 2 * time.Millisecond

// maxHeld is how many bytes of held messages make them due at once: a write of
// that size amortises its wake-ups already.
const maxHeld = 64 << 10

// How put may write a frame.
type putMode int

const (
	putSend    putMode = iota // written at once when lone, queued in a burst
	putQueue                  // always left to the writer goroutine
	putMessage                // as putSend, but held up to msgLinger in a stream
)

func newFrameWriter(w io.Writer, limit int) *frameWriter {
	fw := &frameWriter{w: w, limit: limit, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if sc, ok := w.(syscall.Conn); ok {
		fw.raw, _ = sc.SyscallConn()
	}
	fw.uc, _ = w.(*net.UnixConn)
	go fw.loop()
	return fw
}

// send queues one frame, or writes it at once when it is a lone one.
func (fw *frameWriter) send(f *frame) error { return fw.put(f, putSend) }

// sendMessage sends a message frame: as send, but a message in a stream waits up
// to msgLinger for more to share its write.
func (fw *frameWriter) sendMessage(f *frame) error { return fw.put(f, putMessage) }

// heardFrame tells the writer that the peer sent a frame: a message sent next
// answers it and is written at once.
func (fw *frameWriter) heardFrame() {
	if !fw.heard.Load() {
		fw.heard.Store(true)
	}
}

// queue always leaves the frame to the writer goroutine: for a sender that is itself
// likely to send more in a moment (the pool goroutine dispatching jobs), where
// waiting for company beats a syscall per frame.
func (fw *frameWriter) queue(f *frame) error { return fw.put(f, putQueue) }

// sendFiles queues a frame that carries descriptors (f.files). On success the
// writer owns them and closes them once sent (or when the channel breaks); on an
// error they stay the caller's, so it may try another worker.
func (fw *frameWriter) sendFiles(f *frame) error {
	if fw.uc == nil {
		return fmt.Errorf("%w: this channel cannot pass descriptors", ErrInvalid)
	}
	if len(f.files) == 0 || len(f.files) > maxFDsPerFrame {
		return fmt.Errorf("%w: %d descriptors in one frame (1..%d)", ErrInvalid, len(f.files), maxFDsPerFrame)
	}
	f.FDs = len(f.files)
	return fw.put(f, putQueue)
}

func (fw *frameWriter) put(f *frame, mode putMode) error {
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
	queued := len(fw.pending)
	var err error
	fw.pending, err = appendFrame(fw.pending, f)
	if err == nil {
		err = fw.checkSize(queued)
	}
	if err != nil {
		fw.mu.Unlock()
		return err
	}
	mayWriteThrough := mode != putQueue
	if len(f.files) > 0 {
		fw.marks = append(fw.marks, fdMark{off: queued, files: f.files})
		mayWriteThrough = false
	}
	now := time.Now()
	if fw.holds(mode, queued, now) {
		fw.mu.Unlock()
		fw.signal()
		return nil
	}
	lone := mayWriteThrough && queued == 0 && !fw.writing && fw.raw != nil && now.Sub(fw.last) > burstGap
	fw.last = now
	if lone {
		fw.writeThrough() // unlocks
		return nil
	}
	fw.mu.Unlock()
	fw.signal()
	return nil
}

// holds decides, for a frame just appended after queued bytes, whether it waits
// for company (a streamed message: see msgLinger) and sets when the pending
// frames are due. Any other frame makes them all due at once, so nothing is ever
// held behind a message. Called with mu held.
func (fw *frameWriter) holds(mode putMode, queued int, now time.Time) bool {
	heard := fw.heard.Load()
	if heard {
		fw.heard.Store(false)
	}
	if mode != putMessage || len(fw.marks) > 0 {
		fw.hold = time.Time{}
		return false
	}
	streamed := !heard && now.Sub(fw.lastMsg) < msgLinger
	fw.lastMsg = now
	switch {
	case !streamed || fw.raw == nil:
		fw.hold = time.Time{}
		return false
	case len(fw.pending) >= maxHeld:
		fw.hold = time.Time{} // enough company: due now
	case queued == 0:
		fw.hold = now.Add(msgLinger)
	}
	fw.last = now
	return true // due at fw.hold, or sooner if frames before it were due (hold zero)
}

// checkSize takes back the frame appended after queued bytes if the peer would
// refuse it. Called with mu held.
func (fw *frameWriter) checkSize(queued int) error {
	n := len(fw.pending) - queued - 1 // without its newline, as the reader counts
	if fw.maxFrame <= 0 || n <= fw.maxFrame {
		return nil
	}
	fw.pending = fw.pending[:queued]
	return fmt.Errorf("%w: %d bytes, the other side accepts at most %d", ErrFrameTooLarge, n, fw.maxFrame)
}

// writeThrough writes what is pending from the caller's goroutine with one
// non-blocking write. It is called with mu held and returns with it released.
func (fw *frameWriter) writeThrough() {
	buf := fw.pending
	fw.pending = fw.spare[:0]
	fw.spare = nil
	fw.writing = true
	fw.mu.Unlock()

	n, err := writeNow(fw.raw, buf)

	fw.mu.Lock()
	fw.writing = false
	if err != nil && fw.err == nil {
		fw.err = err
	}
	if n < len(buf) && err == nil {
		// The rest goes first, before what others queued meanwhile.
		rest := append(make([]byte, 0, len(buf)-n+len(fw.pending)), buf[n:]...)
		fw.pending = append(rest, fw.pending...)
		for i := range fw.marks { // frames queued meanwhile moved back
			fw.marks[i].off += len(rest)
		}
	} else {
		fw.spare = buf[:0]
	}
	more := len(fw.pending) > 0 || fw.closed
	fw.mu.Unlock()
	if more {
		fw.signal()
	}
}

// writeNow makes one write attempt that never waits: it returns how much the
// socket took (0 when it is full) and an error only when the socket is broken.
func writeNow(raw syscall.RawConn, buf []byte) (int, error) {
	var n int
	var werr error
	err := raw.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), buf)
			if werr != syscall.EINTR {
				return true // done either way: never park in the poller here
			}
		}
	})
	switch {
	case err != nil:
		return 0, err
	case werr == syscall.EAGAIN:
		return 0, nil
	case werr != nil:
		return 0, werr
	}
	return n, nil
}

func (fw *frameWriter) signal() {
	select {
	case fw.wake <- struct{}{}:
	default:
	}
}

func (fw *frameWriter) loop() {
	defer close(fw.done)
	var hold holdTimer
	defer hold.stop()
	for range fw.wake {
		for {
			fw.mu.Lock()
			if fw.writing { // a caller is writing through; it signals when done
				fw.mu.Unlock()
				break
			}
			if wait := fw.holdFor(); wait > 0 {
				fw.mu.Unlock()
				hold.wait(wait, fw.wake)
				continue
			}
			fw.hold = time.Time{}
			buf, marks := fw.pending, fw.marks
			fw.pending, fw.marks = fw.spare[:0], nil
			closed := fw.closed
			if len(buf) == 0 {
				fw.spare = buf
				fw.mu.Unlock()
				if closed {
					return
				}
				break
			}
			fw.writing = true
			fw.mu.Unlock()
			err := fw.write(buf, marks)
			fw.mu.Lock()
			fw.writing = false
			fw.spare = buf[:0]
			if err != nil && fw.err == nil {
				fw.err = err
			}
			if err != nil { // nothing more is sent: close what waited to be
				closeMarks(fw.marks)
				fw.marks, fw.pending = nil, nil
			}
			fw.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// holdFor is how long the pending frames may still wait: streamed messages until
// their hold time, unless the channel is closing. Called with mu held.
func (fw *frameWriter) holdFor() time.Duration {
	if fw.hold.IsZero() || fw.closed || len(fw.pending) == 0 {
		return 0
	}
	return time.Until(fw.hold)
}

// holdTimer is the writer goroutine's one timer for held messages.
type holdTimer struct{ t *time.Timer }

// wait returns after d, or sooner when wake fires (a frame that is due at once,
// or close); the caller then looks again.
func (h *holdTimer) wait(d time.Duration, wake <-chan struct{}) {
	if h.t == nil {
		h.t = time.NewTimer(d)
	} else {
		h.t.Reset(d)
	}
	select {
	case <-h.t.C:
	case <-wake:
		h.t.Stop()
	}
}

func (h *holdTimer) stop() {
	if h.t != nil {
		h.t.Stop()
	}
}

// fdMark is a frame at offset off of the pending bytes that carries files.
type fdMark struct {
	off   int
	files []*os.File
}

func closeMarks(marks []fdMark) {
	for _, m := range marks {
		closeFiles(m.files)
	}
}

// write sends buf, each marked frame with one sendmsg that carries its
// descriptors on its first byte; the writer's copies are closed once sent.
func (fw *frameWriter) write(buf []byte, marks []fdMark) error {
	pos := 0
	for i, m := range marks {
		end := len(buf)
		if i+1 < len(marks) {
			end = marks[i+1].off
		}
		if m.off > pos {
			if _, err := fw.w.Write(buf[pos:m.off]); err != nil {
				closeMarks(marks[i:])
				return err
			}
		}
		n, _, err := fw.uc.WriteMsgUnix(buf[m.off:end], syscall.UnixRights(fileFDs(m.files)...), nil)
		closeFiles(m.files)
		if err == nil && m.off+n < end {
			_, err = fw.w.Write(buf[m.off+n : end])
		}
		if err != nil {
			closeMarks(marks[i+1:])
			return err
		}
		pos = end
	}
	if pos == len(buf) {
		return nil
	}
	_, err := fw.w.Write(buf[pos:])
	return err
}

// fileFDs reads the descriptor numbers through SyscallConn: File.Fd would switch
// the open file, which a passed socket shares with its owner, to blocking mode.
func fileFDs(files []*os.File) []int {
	fds := make([]int, len(files))
	for i, f := range files {
		if rc, err := f.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { fds[i] = int(fd) })
		}
	}
	return fds
}

// close flushes what is queued, stops the writer goroutine and waits for it.
func (fw *frameWriter) close() {
	fw.mu.Lock()
	already := fw.closed
	fw.closed = true
	fw.mu.Unlock()
	if !already {
		fw.signal()
	}
	<-fw.done
}
