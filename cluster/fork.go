package cluster

import "fmt"

// Fork adds one worker to the pool, with env ("KEY=value" entries) added to its
// environment after Options.Env, and returns its handle: Node's cluster.fork(env).
// The pool's size grows by one; the worker's slot keeps env, so a worker that
// replaces it after a crash gets the same. It fails with ErrInvalid at MaxWorkers.
func (c *Cluster) Fork(env []string) (*Worker, error) {
	var p *proc
	var err error
	if cerr := c.call(func() {
		switch {
		case c.closing:
			err = ErrClosed
		case c.localSlots() >= c.opts.MaxWorkers:
			err = fmt.Errorf("%w: the pool has MaxWorkers (%d) slots", ErrInvalid, c.opts.MaxWorkers)
		default:
			p, err = c.forkSlot(append([]string(nil), env...))
		}
	}); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	return &Worker{c: c, p: p}, nil
}

func (c *Cluster) forkSlot(env []string) (*proc, error) {
	c.nextSlot++
	s := &slot{n: c.nextSlot, env: env, instance: c.instanceFor()}
	c.slots[s.n] = s
	c.size = c.localSlots()
	size := c.size
	c.publish(Event{Type: EventScale, Size: &size})
	if p := c.forkInto(s); p != nil {
		return p, nil
	}
	if s.waiting {
		return nil, fmt.Errorf("%w: MaxWorkers processes are alive; the slot forks when one exits", ErrInvalid)
	}
	return nil, fmt.Errorf("fork failed: see the worker.error event")
}
