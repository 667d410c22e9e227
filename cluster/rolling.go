package cluster

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Restart replaces every worker one at a time, lowest slot first. Each replacement
// is ready (see ready.go: online, and for a server listening) before its predecessor
// is retired, so the pool never has zero workers serving. The predecessor then
// stops taking connections and finishes what it serves, for at most
// Options.DrainTimeout: a protocol worker is sent disconnect (its cluster.Listen
// listeners stop accepting, and a net/http server's Serve returns once every
// connection it accepted was answered once, so its Shutdown loses no request); a
// plain program gets SIGTERM. There are two exceptions: at MaxWorkers live
// processes there is no room for a replacement beside its predecessor, and with
// Options.PortBase two workers cannot bind one PORT, so that slot retires its
// worker first and forks the replacement once it exited (a pool of one is then
// briefly empty).
//
// If ctx ends or a replacement exits before it came online, the restart stops
// there and returns the error. The pool keeps its size all the same: the
// replacement keeps its slot (the restart policy treats it like any worker), its
// predecessor is retired as if the restart had gone on, and later slots keep their
// workers. Either way a pool.restart event says how the restart ended.
func (c *Cluster) Restart(ctx context.Context) error {
	var slots []int
	if err := c.call(func() {
		// A restart means fresh processes of the executable as it is now: spares
		// started before it are not used (refilled, they are started anew).
		c.dropStandbys()
		c.scheduleRefill(standbyRefillDelay)
		for n := range c.slots {
			slots = append(slots, n)
		}
	}); err != nil {
		return err
	}
	sort.Ints(slots)
	for _, n := range slots {
		if err := c.restartSlot(ctx, n); err != nil {
			err = fmt.Errorf("rolling restart of slot %d: %w", n, err)
			c.call(func() {
				c.publish(Event{Type: EventRestart, Slot: n, State: RestartFailed, Error: err.Error()})
			})
			return err
		}
	}
	c.call(func() { c.publish(Event{Type: EventRestart, State: RestartDone}) })
	return nil
}

// The states a pool.restart event reports.
const (
	RestartDone   = "done"
	RestartFailed = "failed"
)

func (c *Cluster) restartSlot(ctx context.Context, n int) error {
	var old *proc
	var ok bool
	if err := c.call(func() { old, ok = c.beginRestart(n) }); err != nil || !ok {
		return err
	}
	err := c.awaitReplacement(ctx, n, old)
	if old == nil {
		return err
	}
	// Whether or not the replacement made it, it holds the slot now: the old worker
	// leaves, or the pool would be a worker over its size for good.
	c.call(func() { c.retireWithin(old, c.opts.DrainTimeout) })
	if err != nil {
		return err
	}
	select {
	case <-old.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// beginRestart forks slot n's replacement beside its worker, or, at MaxWorkers live
// processes, retires the worker first and leaves the slot waiting for room. ok is
// false when there is no such slot (any more).
func (c *Cluster) beginRestart(n int) (old *proc, ok bool) {
	s := c.slots[n]
	if s == nil || c.closing {
		return nil, false
	}
	old = s.worker
	s.pending.stop()
	s.pending, s.degraded, s.retryAt = nil, false, time.Time{}
	s.restarts++
	c.restarts++
	if old != nil && (len(c.procs) >= c.opts.MaxWorkers || c.opts.PortBase > 0) {
		c.retireWithin(old, c.opts.DrainTimeout)
		s.waiting = true // onExit of old clears s.worker; forkWaiting fills the slot
		return old, true
	}
	c.forkInto(s)
	return old, true
}

// awaitReplacement waits until slot n holds a worker other than old and that worker
// is ready. It returns nil at once if the slot went away (scaled down, closed).
func (c *Cluster) awaitReplacement(ctx context.Context, n int, old *proc) error {
	sub := c.Subscribe(1024)
	defer func() { sub.Close() }()
	for {
		var fresh *proc
		gone := false
		if err := c.call(func() {
			s := c.slots[n]
			gone = s == nil || c.closing
			if !gone && s.worker != old {
				fresh = s.worker
			}
		}); err != nil {
			return err
		}
		switch {
		case gone:
			return nil
		case fresh != nil:
			return waitReady(ctx, fresh)
		}
		select { // a fork, an exit or a timer changed something: look again
		case <-ctx.Done():
			return ctx.Err()
		case _, open := <-sub.C:
			if !open {
				sub.Close()
				sub = c.Subscribe(1024)
			}
		}
	}
}

func waitReady(ctx context.Context, p *proc) error {
	select {
	case <-p.readyCh:
		return nil
	case <-p.exited:
		select {
		case <-p.readyCh:
			return nil
		default:
		}
		return fmt.Errorf("replacement worker %d exited before it was ready", p.id)
	case <-ctx.Done():
		return ctx.Err()
	}
}
