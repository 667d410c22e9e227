package cluster

import "context"

// Close shuts the pool down gracefully: no new lists are accepted, queued jobs are
// canceled, running jobs may finish while ctx lasts, then every worker is disconnected
// and reaped, subscriptions end and the shared listener is closed. When ctx ends
// first, the remaining workers are killed and their jobs canceled with that reason.
// Close is safe to call more than once.
func (c *Cluster) Close(ctx context.Context) error {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	var exits []chan struct{}
	if err := c.call(func() {
		c.closing = true
		c.cancelQueued("canceled: the pool is shutting down")
		for _, s := range c.slots {
			c.removeSlot(s)
		}
		c.endHeirs()
		for _, p := range c.procs {
			c.retire(p)
		}
		c.dropStandbys()
		// Every process still to be reaped, not only those just told to stop: a
		// heir or spare killed a moment ago belongs to no list any more.
		for p := range c.unreaped {
			exits = append(exits, p.exited)
		}
	}); err != nil {
		return nil // already closed
	}
	err := c.waitExits(ctx, exits)
	c.call(func() {
		if c.wakeStop != nil {
			c.wakeStop()
		}
		c.closeServers()
	})
	c.quitOnce.Do(func() { close(c.quit) })
	c.logs.close()
	c.bus.close()
	return err
}
