package cluster

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"syscall"
	"time"
)

// Scale sets the pool size: it forks workers, or retires them (idle ones first; busy
// ones finish their job first). Degraded slots are given a fresh start. A pool scaled
// to 0 is paused: queued jobs wait until it is scaled up or they are canceled.
//
// Retiring workers count against MaxWorkers until they exit: the size is set at
// once, but a slot whose fork would make more than MaxWorkers live processes waits
// (no worker, Pool's Waiting count) and forks as soon as a retiring worker exits.
func (c *Cluster) Scale(n int) error {
	if n < 0 || n > c.opts.MaxWorkers {
		return fmt.Errorf("%w: pool size %d is outside 0..%d", ErrInvalid, n, c.opts.MaxWorkers)
	}
	var err error
	if cerr := c.call(func() {
		if c.closing {
			err = ErrClosed
			return
		}
		c.scaleOnLoop(n)
	}); cerr != nil {
		return cerr
	}
	return err
}

// scaleOnLoop sets the size and forks or retires to match, on the pool goroutine.
// Remote hosts' slots are left alone (scaleHostOnLoop).
func (c *Cluster) scaleOnLoop(n int) { c.scaleHostOnLoop("", n) }

// revive restarts a degraded or backing-off slot now, with a clean record.
func (c *Cluster) revive(s *slot) {
	if s.worker != nil || (!s.degraded && s.pending == nil) {
		return
	}
	s.pending.stop()
	s.pending, s.retryAt = nil, time.Time{}
	s.degraded = false
	s.record = crashRecord{}
	c.forkInto(s)
}

// retireOrder lists slots cheapest to retire first: empty, then starting, idle, busy.
func (c *Cluster) retireOrder(host string) []*slot {
	rank := func(s *slot) int {
		if s.worker == nil {
			return 0
		}
		switch s.worker.state {
		case StateStarting:
			return 1
		case StateIdle:
			return 2
		}
		return 3
	}
	out := make([]*slot, 0, len(c.slots))
	for _, s := range c.slots {
		if s.host == host {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i].n > out[j].n
	})
	return out
}

func (c *Cluster) removeSlot(s *slot) {
	delete(c.slots, s.n)
	s.pending.stop()
	if s.worker != nil {
		c.retire(s.worker)
	}
}

// retire asks a worker to leave: it finishes its running job, closes IPC and exits. It
// is killed if it takes longer than StopTimeout.
func (c *Cluster) retire(p *proc) { c.retireWithin(p, c.opts.StopTimeout) }

// retireWithin is retire with its own deadline. A plain program has no IPC to be
// asked on: it gets SIGTERM, the signal servers take as "finish and exit".
func (c *Cluster) retireWithin(p *proc, timeout time.Duration) {
	if p.intentional || p.state == StateDead {
		return
	}
	p.intentional = true
	c.leaveServers(p) // like Node, a leaving worker's servers take no new connections
	if p.state != StateStarting {
		p.state = StateStopping
	}
	if p.plain {
		p.signal(syscall.SIGTERM)
	} else {
		p.out.send(&frame{T: frameDisconnect})
	}
	p.stopTimer = c.after(timeout, func() {
		if p.state != StateDead {
			c.opts.Logger.Warn("worker did not stop in time; killing it", "worker", p.id, "pid", p.pid)
			p.signal(syscall.SIGKILL)
		}
	})
	// Jobs prefetched behind the running one stay with it: the worker may already
	// have started the next one. Whatever it did not finish is requeued at its exit.
}

// Disconnect retires every worker gracefully, like Node's cluster.disconnect(), and
// waits until they exited. If ctx ends first, the rest are killed. The pool stays
// usable: Scale brings workers back.
func (c *Cluster) Disconnect(ctx context.Context) error {
	var exits []chan struct{}
	if err := c.call(func() {
		c.scaleOnLoop(0)
		for _, p := range c.procs {
			c.retire(p)
			exits = append(exits, p.exited)
		}
	}); err != nil {
		return err
	}
	return c.waitExits(ctx, exits)
}

func (c *Cluster) waitExits(ctx context.Context, exits []chan struct{}) error {
	for _, ch := range exits {
		select {
		case <-ch:
		case <-ctx.Done():
			c.call(func() {
				kill := slices.Collect(maps.Values(c.procs))
				if c.closing { // everything goes: spares and ended heirs too
					kill = slices.Collect(maps.Keys(c.unreaped))
				}
				for _, p := range kill {
					p.signal(syscall.SIGKILL)
					if p.remote != nil { // its host may never answer
						p.remote.Close()
					}
				}
			})
			for _, ch := range exits {
				<-ch
			}
			return ctx.Err()
		}
	}
	return nil
}
