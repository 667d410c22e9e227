package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// Worker is a handle on one worker, like Node's cluster.workers[id]. Its methods
// fail with ErrNotFound once the worker has exited.
type Worker struct {
	c *Cluster
	p *proc
}

// Worker returns the handle of a live worker.
func (c *Cluster) Worker(id int) (*Worker, error) {
	var p *proc
	if err := c.call(func() { p = c.procs[id] }); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("%w: no live worker %d", ErrNotFound, id)
	}
	return &Worker{c: c, p: p}, nil
}

// ID is the worker's id: ids grow and are never reused.
func (w *Worker) ID() int { return w.p.id }

// PID is the worker's process id.
func (w *Worker) PID() int { return w.p.pid }

// Online is closed when the worker's handshake arrived.
func (w *Worker) Online() <-chan struct{} { return w.p.online }

// Exited is closed once the worker exited and was reaped.
func (w *Worker) Exited() <-chan struct{} { return w.p.exited }

// Info returns a snapshot of the worker, with its memory and CPU read from /proc (CPU
// use since the previous reading of this worker: 0 the first time); after its exit
// its state is dead.
func (w *Worker) Info() (WorkerInfo, error) {
	var info WorkerInfo
	err := w.c.call(func() { info = w.p.info() })
	if err == nil && info.State != StateDead {
		one := []WorkerInfo{info}
		w.c.stats.sample(one, false)
		info = one[0]
	}
	return info, err
}

// do runs f on the pool goroutine if the worker is still alive.
func (w *Worker) do(f func(*proc) error) error {
	var err error
	if cerr := w.c.call(func() {
		if w.p.state == StateDead {
			err = fmt.Errorf("%w: worker %d has exited", ErrNotFound, w.p.id)
			return
		}
		err = f(w.p)
	}); cerr != nil {
		return cerr
	}
	return err
}

// Send delivers v, marshalled as JSON, to the worker; messages arrive in order. A
// message over Options.MaxFrame is not sent: the error wraps both ErrInvalid and
// ErrFrameTooLarge, and the worker is left alone. Messages sent in a stream may
// wait up to 2 ms to share one write, as Member.Send's do.
//
// With a handle (Node's worker.send(msg, sendHandle)): an *os.File, net.Conn or
// net.Listener, a copy of whose descriptor travels with the message (SCM_RIGHTS).
// The worker gets the pair from Member.HandleMessages. The caller's handle stays
// open: close it when this process no longer needs it.
func (w *Worker) Send(v any, handle ...any) error {
	if w.p.plain {
		return fmt.Errorf("%w: no messages", ErrPlainPrograms)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%w: message is not JSON-serialisable: %v", ErrInvalid, err)
	}
	f, err := handleFrame(b, handle)
	if err != nil {
		return err
	}
	// The frame writer is safe to use from any goroutine and is closed before the
	// worker is marked dead, so Send skips the trip through the pool goroutine:
	// that trip was most of the cost of a pipelined message.
	if err := sendMsg(w.p.out, f); err != nil {
		switch {
		case errors.Is(err, ErrClosed):
			return fmt.Errorf("%w: worker %d has exited", ErrNotFound, w.p.id)
		case errors.Is(err, ErrFrameTooLarge):
			return fmt.Errorf("%w: message to worker %d: %w", ErrInvalid, w.p.id, err)
		}
		return err
	}
	return nil
}

// Kill sends sig (0 means SIGTERM) to the worker. A killed worker is not retired: the
// pool replaces it at once, and the kill does not count as a crash of its slot. Only
// signals that end a worker are sent (see ParseSignal); others are ErrInvalid, and
// so is one the worker ignores (inherited SIG_IGN: a primary run under nohup passes
// an ignored SIGHUP on to its workers), so Kill never claims a kill that won't happen.
func (w *Worker) Kill(sig syscall.Signal) error {
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	if !endingSignal(sig) {
		return fmt.Errorf("%w: %s does not end a worker: send one of %s", ErrInvalid,
			signalName(sig), EndingSignalNames())
	}
	return w.do(func(p *proc) error {
		if sig == syscall.SIGKILL { // it cannot be ignored: nothing to read first
			w.c.killDeliberately(p, ReasonKilled)
			return nil
		}
		if p.remote == nil && ignoresSignal(p.pid, sig) {
			return fmt.Errorf("%w: worker %d ignores %s (inherited from the primary, e.g. one started "+
				"under nohup), so it would not end: send SIGTERM or SIGKILL", ErrInvalid, p.id, signalName(sig))
		}
		p.deliberate, p.killedFor = true, ReasonKilled
		p.signal(sig)
		return nil
	})
}

// Crash asks the worker to exit at once with code (1..255), as if it had crashed:
// for demos of the restart policy. The exit counts as a crash of its slot.
func (w *Worker) Crash(code int) error {
	if code < 1 || code > 255 {
		return fmt.Errorf("%w: exit code %d is outside 1..255", ErrInvalid, code)
	}
	return w.do(func(p *proc) error {
		if p.plain {
			return fmt.Errorf("%w: no IPC to ask worker %d to exit with a code: kill it instead", ErrPlainPrograms, p.id)
		}
		return p.out.send(&frame{T: frameExit, Code: code})
	})
}

// Disconnect retires the worker gracefully and shrinks the pool by one: IPC closes
// after its running job, it exits, and it is not replaced (Node's
// worker.disconnect(), exitedAfterDisconnect true). After timeout (0: the pool's
// StopTimeout) it is killed.
func (w *Worker) Disconnect(timeout time.Duration) error {
	return w.do(func(p *proc) error {
		c := w.c
		c.dropSlotOf(p)
		c.retire(p)
		if timeout > 0 {
			p.stopTimer.stop()
			p.stopTimer = c.after(timeout, func() {
				if p.state != StateDead {
					p.signal(syscall.SIGKILL)
				}
			})
		}
		return nil
	})
}
