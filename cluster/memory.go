package cluster

import (
	"fmt"
)

// The memory limit (RestartPolicy.MaxMemory, PM2's max_memory_restart): a worker
// that leaks is replaced before the kernel's OOM killer takes it down with its
// requests and jobs. Every MemoryInterval the pool reads each slot's worker's RSS
// from /proc; one over the limit MemorySamples times in a row is replaced as a
// rolling restart replaces a worker: its successor is forked beside it, and once
// that one is ready the leaking worker stops taking work and is drained (within
// DrainTimeout), so no request or job is lost. At MaxWorkers live processes, or
// with PortBase (two workers cannot bind one PORT), it is drained first and its
// successor forked once it exited. Its worker.exit event has reason ReasonMemory
// and says the figures in Detail.

// armMemoryWatch schedules the next memory sample, if there is a limit.
func (c *Cluster) armMemoryWatch() {
	if c.opts.Restart.MaxMemory > 0 && !c.closing {
		c.after(c.opts.Restart.MemoryInterval, c.checkMemory)
	}
}

// checkMemory samples every slot's worker and replaces those over the limit for
// long enough.
func (c *Cluster) checkMemory() {
	if c.closing {
		return
	}
	limit := c.opts.Restart.MaxMemory
	for _, s := range c.slots {
		p := s.worker
		if p == nil || p.remote != nil || p.state == StateDead || p.intentional || p.successor != nil {
			continue
		}
		rss, _, ok := readProc(p.pid)
		if !ok || rss <= limit {
			p.overMemory = 0
			continue
		}
		p.overMemory++
		if p.overMemory >= c.opts.Restart.MemorySamples {
			c.replaceForMemory(s, p, rss)
		}
	}
	c.armMemoryWatch()
}

// replaceForMemory replaces slot s's worker old, whose RSS stayed over the limit.
func (c *Cluster) replaceForMemory(s *slot, old *proc, rss int64) {
	pol := c.opts.Restart
	why := fmt.Sprintf("memory %s over the limit of %s (MaxMemory, -max-memory) in %d samples %s apart: replaced gracefully",
		formatBytes(rss), formatBytes(pol.MaxMemory), pol.MemorySamples, pol.MemoryInterval)
	c.opts.Logger.Warn("worker over the memory limit; replacing it", "worker", old.id, "pid", old.pid,
		"rss", rss, "max_memory", pol.MaxMemory)
	c.restarts++
	s.restarts++
	if len(c.procs) >= c.opts.MaxWorkers || c.opts.PortBase > 0 {
		old.killedFor, old.detail = ReasonMemory, why
		c.retireWithin(old, c.opts.DrainTimeout)
		s.waiting = true // old's exit clears s.worker; forkWaiting fills the slot
		return
	}
	fresh := c.forkInto(s)
	if fresh == nil { // the fork failed (an event said why): keep old, try again later
		old.overMemory = 0
		return
	}
	old.killedFor, old.detail = ReasonMemory, why
	if fresh.ready {
		c.retireWithin(old, c.opts.DrainTimeout)
		return
	}
	fresh.predecessor, old.successor = old, fresh
}

// retirePredecessor drains the worker p replaced for its memory, once p is ready
// or, like a rolling restart's replacement, once p exited before it was: the slot is
// p's (the restart policy replaces it), so the old worker must leave either way.
func (c *Cluster) retirePredecessor(p *proc) {
	old := p.predecessor
	if old == nil {
		return
	}
	p.predecessor, old.successor = nil, nil
	c.retireWithin(old, c.opts.DrainTimeout)
}

// formatBytes writes n in the largest binary unit that keeps it at least 1, the way
// -max-memory is written: 230.5MiB.
func formatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%dB", n)
	}
	return fmt.Sprintf("%.1f%s", f, units[u])
}
