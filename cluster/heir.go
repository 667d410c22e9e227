package cluster

import (
	"syscall"
	"time"
)

// An heir is a ready spare made the successor of a worker the pool itself just
// sent SIGKILL (Worker.Kill, a job's timeout or cancel): the spare is assigned
// its worker id at once, so that it says hello while the kernel still tears the
// old process down (a few milliseconds for this binary, see docs/performance.md),
// instead of after its exit was reaped. Learners must still see Node's order —
// the old worker's exit, then the new one's fork, online — so the heir is held:
// it is no worker of the pool (not in procs, no jobs, not in /api/pool), and what
// it sends is kept until the old worker's exit was published — its frames, and
// its output, which stays in the standby's late writers (up to maxLine bytes a
// stream), so that no "[worker N]" line or worker.log event of its id comes
// before that id's fork. Then the restart path forks "into" the heir: fork and
// online are published at once, then what it printed meanwhile. When the
// policy forks nothing (the pool closes, the slot was dropped, MaxWorkers), or the
// old worker is not reaped within heirGiveUp, the heir is killed and reaped
// quietly, as a spare is; its id is then skipped (ids grow, never reused).

// heirGiveUp is how long a SIGKILLed worker may take to be reaped before its heir
// is ended: the spare must not wait forever for a process that does not die.
// The successor is then forked the usual way when the old worker is reaped.
const heirGiveUp = time.Second

// prepareHeir assigns a ready spare to succeed p, which was just sent SIGKILL by
// the pool, when p's exit will be replaced by a fork that could take that spare.
func (c *Cluster) prepareHeir(p *proc) {
	s := c.slots[p.slot]
	if p.heir != nil || p.remote != nil || p.plain || c.closing || s == nil || s.worker != p ||
		!c.standbyFits(s) || c.standbyCount() == 0 {
		return
	}
	c.nextID++
	h := c.assignStandby(c.nextID, s)
	if h == nil {
		return
	}
	h.held, h.heirOf = true, p
	p.heir = h
	p.heirTimer = c.after(heirGiveUp, func() {
		p.heirTimer = nil
		c.endHeld(c.takeHeir(p))
	})
}

// takeHeir detaches p's heir from p and returns it (nil if it has none).
func (c *Cluster) takeHeir(p *proc) *proc {
	h := p.heir
	if h == nil {
		return nil
	}
	p.heir, h.heirOf = nil, nil
	p.heirTimer.stop()
	p.heirTimer = nil
	return h
}

// endHeld kills a held heir that will not become a worker; onHeldExit reaps it.
// It returns the channel closed when it was reaped (nil for no heir).
func (c *Cluster) endHeld(h *proc) chan struct{} {
	if h == nil {
		return nil
	}
	h.intentional = true
	h.signal(syscall.SIGKILL)
	return h.exited
}

// releaseHeir makes held heir h a worker of the pool: forkInto has published its
// fork; what it printed and sent meanwhile (its hello, so its online) is handled
// now, in order.
func (c *Cluster) releaseHeir(h *proc) {
	h.held = false
	h.startedAt = c.clock.Now()
	c.attachOutputs(h)
	frames, end := h.heldFrames, h.heldEnd
	h.heldFrames, h.heldEnd = nil, false
	if len(frames) > 0 {
		c.onFrames(h, frames)
	}
	if end {
		c.onReadEnd(h, h.heldErr)
	}
}

// onHeldFrames keeps what a held heir sends until it is released. Decoded frames
// own their values (json.Unmarshal copies), so keeping the structs is enough.
func (c *Cluster) onHeldFrames(h *proc, frames []frame) {
	h.heldFrames = append(h.heldFrames, frames...)
}

// onHeldExit reaps a heir that ended before it became a worker: it was ended on
// purpose, or it crashed, in which case its predecessor's exit forks as usual.
// Its id never had a fork: what it printed is written as a dead spare's is, by
// pid, and the log store never heard of it.
func (c *Cluster) onHeldExit(h *proc) {
	h.conn.Close()
	h.out.close()
	flushStandbyOutput(h, c.opts.Output)
	for i := range h.heldFrames {
		closeFiles(h.heldFrames[i].files)
	}
	h.heldFrames = nil
	if h.heirOf != nil {
		c.takeHeir(h.heirOf)
	}
	if !h.intentional {
		c.opts.Logger.Warn("a spare assigned to replace a killed worker died first", "worker", h.id, "pid", h.pid)
	}
	close(h.exited)
}

// endHeirs ends every held heir (the pool is closing); Close waits for them
// with every other unreaped process.
func (c *Cluster) endHeirs() {
	for _, p := range c.procs {
		c.endHeld(c.takeHeir(p))
	}
}
