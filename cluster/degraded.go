package cluster

import (
	"fmt"
	"sort"
	"time"
)

// degrade marks a crash-looping slot degraded and, unless the policy says never,
// schedules its retry after the cool-down. An OOM killer or an operator's kill -9
// loop must not leave the pool empty for good once the cause is gone.
func (c *Cluster) degrade(s *slot) {
	s.degraded = true
	s.pending.stop()
	s.pending, s.retryAt = nil, time.Time{}
	cool := c.opts.Restart.DegradedCooldown
	msg := fmt.Sprintf("slot %d crashed %d times within %s", s.n, len(s.record.crashes), c.opts.Restart.CrashLoopWindow)
	if cool > 0 {
		s.retryAt = c.clock.Now().Add(cool)
		s.pending = c.after(cool, func() { c.retryDegraded(s) })
		// The time, not only the delay: the panel shows this text long after it was
		// written, when "in 30s" no longer says when.
		msg += fmt.Sprintf(": retrying it in %s (at %s UTC), or when the pool is scaled or restarted",
			cool, s.retryAt.UTC().Format(time.TimeOnly))
	} else {
		msg += ": not restarting it until the pool is scaled or restarted"
	}
	s.degradedWhy = msg
	c.publish(Event{Type: EventDegraded, Slot: s.n, Error: msg})
	c.opts.Logger.Error("crash loop", "slot", s.n, "crashes", len(s.record.crashes), "retry_in", max(cool, 0))
	c.dispatch() // with no retry, if it was the last slot that could run them, queued jobs fail now
}

// retryDegraded tries one worker in a degraded slot whose cool-down ended. The slot
// stays degraded until that worker has been online for StableAfter.
func (c *Cluster) retryDegraded(s *slot) {
	s.pending, s.retryAt = nil, time.Time{}
	if c.slots[s.n] != s || s.worker != nil || c.closing {
		return
	}
	c.opts.Logger.Info("retrying degraded slot", "slot", s.n)
	c.forkInto(s)
}

// onProbation starts the recovery clock for a worker that came online in a degraded
// slot.
func (c *Cluster) onProbation(p *proc) {
	s := c.slots[p.slot]
	if s == nil || s.worker != p || !s.degraded {
		return
	}
	s.stable.stop()
	s.stable = c.after(c.opts.Restart.StableAfter, func() { c.recover(s, p) })
}

// recover clears a degraded slot whose worker stayed up: the crash loop is over.
func (c *Cluster) recover(s *slot, p *proc) {
	s.stable = nil
	if c.slots[s.n] != s || s.worker != p || p.state == StateDead || !s.degraded {
		return
	}
	s.degraded, s.degradedWhy, s.record = false, "", crashRecord{}
	c.publish(Event{Type: EventRecovered, Slot: s.n, Worker: p.id, PID: p.pid})
	c.opts.Logger.Info("degraded slot recovered", "slot", s.n, "worker", p.id)
}

// degradedSlots lists the degraded slots, lowest first, for PoolInfo.
func (c *Cluster) degradedSlots() []DegradedSlot {
	var out []DegradedSlot
	for _, s := range c.slots {
		if !s.degraded {
			continue
		}
		d := DegradedSlot{Slot: s.n, Reason: s.degradedWhy}
		if !s.retryAt.IsZero() {
			at := s.retryAt
			d.RetryAt = &at
		}
		if s.worker != nil {
			d.Worker = s.worker.id
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slot < out[j].Slot })
	return out
}
