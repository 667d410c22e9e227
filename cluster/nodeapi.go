package cluster

import (
	"fmt"
	"syscall"
)

// Settings returns the options the pool runs with, defaults filled in: Node's
// cluster.settings. Changing the copy changes nothing.
func (c *Cluster) Settings() Options { return c.opts }

// ExitCode is the worker's exit code once it exited (Node's
// worker.process.exitCode); -1 while it runs and when a signal ended it.
func (w *Worker) ExitCode() int {
	select {
	case <-w.p.exited:
		return w.p.exitCode
	default:
		return -1
	}
}

// ExitSignal names the signal that ended the worker ("SIGKILL"; Node's
// worker.process.signalCode), or "" while it runs and when it exited by itself.
func (w *Worker) ExitSignal() string {
	select {
	case <-w.p.exited:
		return w.p.exitSignal
	default:
		return ""
	}
}

// IsConnected reports whether the worker's IPC channel is open (Node's
// worker.isConnected()): from fork until the worker closed it or died.
func (w *Worker) IsConnected() bool {
	select {
	case <-w.p.readDone:
		return false
	default:
		return true
	}
}

// IsDead reports whether the worker exited and was reaped (Node's worker.isDead()).
func (w *Worker) IsDead() bool {
	select {
	case <-w.p.exited:
		return true
	default:
		return false
	}
}

// Destroy is Node's worker.kill(signal): the worker is retired (not replaced; the
// pool shrinks by one, and its exit event has intentional=true, Node's
// exitedAfterDisconnect) and sig (0: SIGTERM) is sent at once rather than after it
// finished its job. Kill, by contrast, keeps the pool's size: its worker is
// replaced.
func (w *Worker) Destroy(sig syscall.Signal) error {
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	if !endingSignal(sig) {
		return fmt.Errorf("%w: %s does not end a worker: send one of %s", ErrInvalid,
			signalName(sig), EndingSignalNames())
	}
	return w.do(func(p *proc) error {
		w.c.dropSlotOf(p)
		// The signal before retire's disconnect frame: the other way round, a worker
		// scheduled between the two could read the frame and exit 0 by itself before
		// the signal came, which happened on a loaded machine.
		p.signal(sig)
		w.c.retire(p)
		return nil
	})
}

// dropSlotOf removes the slot p fills, so that it is not refilled, and shrinks the
// pool by one.
func (c *Cluster) dropSlotOf(p *proc) {
	s := c.slots[p.slot]
	if s == nil || s.worker != p {
		return
	}
	delete(c.slots, s.n)
	s.pending.stop()
	if h := c.hosts[s.host]; h != nil {
		h.size = max(h.size-1, 0)
		size := h.size
		c.publish(Event{Type: EventScale, Size: &size, Host: h.name})
		return
	}
	c.size = c.localSlots()
	size := c.size
	c.publish(Event{Type: EventScale, Size: &size})
}
