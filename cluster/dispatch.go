package cluster

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"syscall"
	"time"
)

// dispatch hands queued jobs to workers with room, fewest jobs first.
func (c *Cluster) dispatch() {
	s := &c.jobs
	for s.queue.len() > 0 {
		p := c.pickWorker()
		if p == nil {
			if len(c.procs) == 0 {
				c.failStranded()
			}
			return
		}
		j := s.queue.popFront()
		if j.state != JobQueued {
			continue
		}
		c.assign(p, j)
	}
}

// failStranded fails the queued jobs when no worker will ever come to run them:
// every slot crash-looped and, the policy having no cool-down
// (RestartPolicy.DegradedCooldown < 0), is not restarted until the pool is scaled or
// restarted. With a cool-down a retry is pending, and jobs wait for it. Left queued, they and their lists' waiters would hang with no word why.
// A pool scaled to 0 is not stranded but paused: its jobs wait for Scale or Cancel.
func (c *Cluster) failStranded() {
	why := c.strandedWhy()
	if why == "" {
		return
	}
	for j := c.jobs.queue.popFront(); j != nil; j = c.jobs.queue.popFront() {
		c.finishJob(j, JobFailed, nil, why) // a no-op for a job canceled while queued
	}
}

// strandedWhy says why no worker can run a job, or "" if one will.
func (c *Cluster) strandedWhy() string {
	// No slots is a pause; fewer than the size means Scale is still adding slots, and
	// the next one may start.
	if len(c.slots) == 0 || len(c.slots) < c.size || c.closing {
		return ""
	}
	reasons := make([]string, 0, len(c.slots))
	for _, s := range c.slots {
		if !s.degraded || s.worker != nil || s.pending != nil {
			return ""
		}
		reasons = append(reasons, s.degradedWhy)
	}
	sort.Strings(reasons)
	return "no worker can run it: " + strings.Join(reasons, "; ")
}

func (c *Cluster) pickWorker() *proc {
	var best *proc
	for _, p := range c.procs {
		if p.plain || (p.state != StateIdle && p.state != StateBusy) || len(p.inflight) >= c.limit(p) {
			continue
		}
		if best == nil || len(p.inflight) < len(best.inflight) ||
			(len(p.inflight) == len(best.inflight) && p.id < best.id) {
			best = p
		}
	}
	return best
}

func (c *Cluster) assign(p *proc, j *job) {
	p.inflight = append(p.inflight, j)
	c.sent(p, j)
	// A failed send means the socket is gone; the job is requeued when the worker's
	// exit is handled.
	p.out.queue(&frame{T: frameJob, Job: j.id, Kind: j.b.kind, In: j.input})
	if len(p.inflight) == 1 {
		c.startJob(p, j)
	}
}

// startJob marks the job at the head of a worker's queue as running.
func (c *Cluster) startJob(p *proc, j *job) {
	b := j.b
	now := c.clock.Now()
	j.state = JobRunning
	j.attempts++
	j.outcome = outRunning
	j.worker, j.pid = int32(p.id), int32(p.pid)
	j.started = b.since(now)
	b.queued--
	b.running++
	b.peak = max(b.peak, b.running)
	c.jobs.queued--
	c.jobs.running++
	p.state = StateBusy
	c.recordStart(j)
	if b.perJob {
		c.publish(Event{Type: EventJobStarted, Batch: b.id, Kind: b.kind, Job: j.id, Input: j.input,
			Worker: p.id, PID: p.pid, Attempts: int(j.attempts)})
	}
	c.armWatchdog()
}

// onResult takes a worker's answer for the job at the head of its queue.
func (c *Cluster) onResult(p *proc, f *frame) {
	if len(p.inflight) == 0 || p.inflight[0].id != f.Job {
		c.protocolError(p, fmt.Errorf("%w: result for job %d, which the worker was not running", ErrProtocol, f.Job))
		return
	}
	j := p.inflight[0]
	p.inflight[0] = nil
	p.inflight = p.inflight[1:]
	p.jobsDone++
	c.answered(p, j, f.MS)
	if j.state == JobQueued { // a prefetched job run by a retiring worker
		c.startJob(p, j)
	}
	if j.state == JobRunning {
		j.durMS = f.MS
		c.endJob(p, j, f)
	}
	switch {
	case len(p.inflight) == 0:
		p.inflight = nil
		c.idle(p)
		if p.state == StateBusy {
			p.state = StateIdle
		}
	case p.inflight[0].state != JobQueued:
		// The worker goes on to a job that was canceled while it waited there: it has
		// the frame and nothing but its end stops it. The jobs behind go back to the
		// queue as they were.
		c.killDeliberately(p, ReasonCanceled)
	case p.state != StateStopping:
		c.startJob(p, p.inflight[0])
	}
}

// endJob ends a running job as its result frame says: done with its value, or
// failed with its error and data; a value over JobOptions.MaxValueBytes fails it.
func (c *Cluster) endJob(p *proc, j *job, f *frame) {
	limit := c.opts.Jobs.MaxValueBytes
	if f.Err != "" {
		data := f.ErrData
		if len(data) > limit {
			data = nil
			f.Err += fmt.Sprintf(" (its err_data of %d bytes was dropped, limit %d)", len(f.ErrData), limit)
		}
		j.setErr("", data) // finishJob keeps the data of a failure
		c.finishJob(j, JobFailed, nil, f.Err)
		return
	}
	out := outValue(p.version, f.Out)
	if len(out) > limit {
		c.finishJob(j, JobFailed, nil, fmt.Sprintf("result too large: %d bytes, limit %d", len(out), limit))
		return
	}
	c.finishJob(j, JobDone, out, "")
}

// outValue is a successful result's value: a missing "out" means 0 from a version
// 1 worker (which left zero out) and null from a later one.
func outValue(version int, out json.RawMessage) json.RawMessage {
	switch {
	case len(out) > 0:
		return out
	case version == 1:
		return zeroValue
	}
	return jsonNull
}

var zeroValue = json.RawMessage("0")

// finishJob gives a job its one ending.
func (c *Cluster) finishJob(j *job, state JobState, result json.RawMessage, reason string) {
	b := j.b
	switch j.state {
	case JobQueued:
		b.queued--
		c.jobs.queued--
	case JobRunning:
		b.running--
		c.jobs.running--
	default:
		return // already ended: never report twice
	}
	var data json.RawMessage
	if state == JobFailed {
		data = j.errData()
	}
	j.state, j.result = state, result
	j.setErr(reason, data)
	if j.outcome == outRunning {
		j.outcome = stateOutcome(state)
	}
	j.finished = b.since(c.clock.Now())
	if j.started > 0 && j.durMS == 0 && state != JobDone {
		j.durMS = float64(j.finished-j.started) / 1e6
	}
	switch state {
	case JobDone:
		b.done++
		c.jobs.done++
	case JobFailed:
		b.failed++
	case JobCanceled:
		b.canceled++
	}
	b.workMS += j.durMS
	b.maxJobMS = max(b.maxJobMS, j.durMS)
	c.jobs.ended(j)
	c.recordEnd(j)
	if b.perJob && state != JobCanceled {
		c.publishJobEnd(j)
	}
	c.batchChanged(b)
}

// stateOutcome is how a running attempt ended that ended its job in state.
func stateOutcome(state JobState) uint8 {
	switch state {
	case JobDone:
		return outDone
	case JobCanceled:
		return outCanceled
	}
	return outFailed
}

func (c *Cluster) publishJobEnd(j *job) {
	ev := Event{Type: EventJobDone, Batch: j.b.id, Kind: j.b.kind, Job: j.id, Worker: int(j.worker),
		PID: int(j.pid), Attempts: int(j.attempts), DurationMS: j.durMS}
	ev.Input = j.input
	if j.state == JobFailed {
		ev.Type, ev.Error, ev.ErrorData = EventJobFailed, j.errMsg(), j.errData()
	} else {
		ev.Result = j.result
	}
	c.publish(ev)
}

// requeueFrom handles the jobs of a worker that exited: the running one is retried
// (or fails after MaxAttempts, with reason), the prefetched ones go back as they were.
// out is how the running attempt ended (tries.go).
func (c *Cluster) requeueFrom(p *proc, reason string, out uint8) {
	for i := len(p.inflight) - 1; i >= 0; i-- {
		j := p.inflight[i]
		switch {
		case j.state == JobQueued:
			c.jobs.queue.pushFront(j)
		case j.state != JobRunning:
		case c.closing:
			c.finishJob(j, JobCanceled, nil, "canceled: the pool shut down while it ran ("+reason+")")
		case j.chargedAttempts() >= c.opts.Jobs.MaxAttempts:
			j.outcome = out
			c.finishJob(j, JobFailed, nil, fmt.Sprintf("%s (attempt %d of %d)", reason, j.chargedAttempts(),
				c.opts.Jobs.MaxAttempts))
		default:
			t := j.loseAttempt(out, c.clock.Now(), p.exitSignal)
			j.state = JobQueued
			j.setErr(reason, nil)
			c.recordLost(j, t)
			j.b.running--
			j.b.queued++
			c.jobs.running--
			c.jobs.queued++
			c.jobs.queue.pushFront(j)
		}
	}
	p.inflight = nil
}

// armWatchdog makes sure running jobs are checked against their deadlines. One
// periodic check instead of a timer per job keeps tiny jobs cheap.
func (c *Cluster) armWatchdog() {
	if c.jobs.watchdog != nil {
		return
	}
	c.jobs.watchdog = c.after(watchdogTick, c.watchdog)
}

const watchdogTick = 20 * time.Millisecond

func (c *Cluster) watchdog() {
	c.jobs.watchdog = nil
	now := c.clock.Now()
	busy := false
	for _, p := range c.procs {
		if len(p.inflight) == 0 || p.inflight[0].state != JobRunning {
			continue
		}
		busy = true
		j := p.inflight[0]
		if j.b.timeout > 0 && now.Sub(j.b.at(j.started)) >= j.b.timeout {
			j.outcome = outTimedOut
			c.finishJob(j, JobFailed, nil, fmt.Sprintf("timed out after %s on %s", j.b.timeout, p.name()))
			c.killDeliberately(p, ReasonTimeout)
		}
	}
	if busy {
		c.armWatchdog()
	}
}

// killDeliberately ends a worker whose job must stop (timeout, cancel): a naive fib
// cannot be interrupted. It is replaced at once and this is not held against its slot;
// a ready spare is assigned as its heir right away, while the kernel ends it.
func (c *Cluster) killDeliberately(p *proc, why string) {
	p.deliberate, p.killedFor = true, why
	p.signal(syscall.SIGKILL)
	c.prepareHeir(p)
}
