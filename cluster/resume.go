package cluster

import (
	"encoding/json"
	"fmt"
	"time"
)

// resume asks the store what earlier runs left unfinished and queues it again: it
// runs in Start, before the loop, so the state is Start's alone.
func (c *Cluster) resume() error {
	res, err := c.opts.Store.Begin(RunInfo{ID: c.opts.RunID, Started: c.clock.Now()})
	if err != nil {
		return fmt.Errorf("open history: %w", err)
	}
	c.jobs.nextJob = max(res.NextJob-1, c.jobs.nextJob)
	now := c.clock.Now()
	for _, sl := range res.Lists {
		if len(sl.Info.Jobs) == 0 {
			continue
		}
		b := c.jobs.restore(c, sl, now)
		if b.ended() { // its last job's end was written, its own end not
			c.finishBatch(b)
		}
	}
	return nil
}

// restore rebuilds a saved list: ended jobs as they ended, jobs that were running
// queued again with their attempt recorded as primary_lost, queued ones queued.
func (s *jobState) restore(c *Cluster, sl SavedList, now time.Time) *batch {
	in := sl.Info
	inputs := make([]json.RawMessage, len(in.Jobs))
	for i, ji := range in.Jobs {
		inputs[i] = ji.Input
	}
	b := &batch{id: in.ID, kind: in.Kind, created: in.CreatedAt, timeout: time.Duration(in.Timeout),
		state: BatchRunning, jobs: make([]job, len(in.Jobs)), perJob: len(in.Jobs) <= c.opts.Jobs.PerJobEvents,
		limit: sl.Limit, workers: in.Summary.Workers, key: keyOf(in.Kind, inputs), baselines: &s.baselines, hosts: &c.hostOf}
	for i, ji := range in.Jobs {
		j := &b.jobs[i]
		*j = job{id: ji.ID, b: b, input: ji.Input, worker: int32(ji.Worker), pid: int32(ji.PID),
			attempts: int32(ji.Attempts), state: ji.State}
		j.restoreTries(ji, now)
		if ji.State == JobRunning && j.more != nil {
			c.resumeLost(j)
		}
		b.count(j)
	}
	s.queued += b.queued
	s.release(b)
	b.inBytes = inputBytes(inputs)
	s.liveBytes += listBytes(len(inputs), b.inBytes)
	s.batches[b.id] = b
	s.order = append(s.order, b)
	return b
}

// resumeLost handles a job whose attempt was lost with the primary (its last
// earlier try): it is queued again, or, once that loss makes its charged attempts
// reach MaxAttempts (freePrimaryLost), it fails with that try as its last.
func (c *Cluster) resumeLost(j *job) {
	last := j.more.tries[len(j.more.tries)-1]
	charged := j.chargedAttempts()
	if charged < c.opts.Jobs.MaxAttempts || last.Outcome != TryPrimaryLost || last.FinishedAt == nil {
		c.recordLost(j, last)
		return
	}
	lost := j.primaryLost()
	j.more.tries = j.more.tries[:len(j.more.tries)-1]
	j.outcome, j.started, j.finished = outPrimaryLost, j.b.since(last.StartedAt), j.b.since(*last.FinishedAt)
	j.durMS, j.state = last.DurationMS, JobFailed
	j.setErr(fmt.Sprintf("the primary was lost while it ran, %d times; more than %d count (attempt %d of %d)",
		lost, freePrimaryLost, charged, c.opts.Jobs.MaxAttempts), nil)
	c.recordEnd(j)
}

// restoreTries sets the job's latest attempt from its last try when that try ended
// it, and keeps the others as earlier tries; a try still running is lost with the
// primary, and the job is queued again.
func (j *job) restoreTries(ji JobInfo, now time.Time) {
	tries := ji.AllTries()
	ended := ji.State == JobDone || ji.State == JobFailed || ji.State == JobCanceled
	if ended && len(tries) > 0 {
		last := tries[len(tries)-1]
		tries = tries[:len(tries)-1]
		j.outcome = outcomeOf(last.Outcome)
		j.started = j.b.since(last.StartedAt)
	}
	for _, t := range tries {
		if t.Outcome == TryRunning {
			t = lostWithPrimary(t, now)
		}
		j.addTry(t)
	}
	if ji.State == JobRunning {
		j.state = JobQueued
	}
	if ended {
		j.result, j.durMS = ji.Result, ji.DurationMS
		if ji.FinishedAt != nil {
			j.finished = j.b.since(*ji.FinishedAt)
		}
	}
	if ji.Error != "" || ji.ErrorData != nil {
		if j.more == nil {
			j.more = &jobExtra{}
		}
		j.more.msg, j.more.data = ji.Error, ji.ErrorData
	}
}

// count adds a restored job to its list's numbers.
func (b *batch) count(j *job) {
	switch j.state {
	case JobQueued:
		b.queued++
		return
	case JobDone:
		b.done++
	case JobFailed:
		b.failed++
	case JobCanceled:
		b.canceled++
	}
	b.workMS += j.durMS
	b.maxJobMS = max(b.maxJobMS, j.durMS)
}

// lostWithPrimary ends a try that was running when its primary died: at the last
// moment the store knew that primary alive (the try's FinishedAt, Resume), so its
// duration leaves out the downtime; at now when the store does not know.
func lostWithPrimary(t Try, now time.Time) Try {
	f := now
	if t.FinishedAt != nil && t.FinishedAt.Before(now) {
		f = *t.FinishedAt
	}
	if f.Before(t.StartedAt) {
		f = t.StartedAt
	}
	t.Outcome, t.FinishedAt = TryPrimaryLost, &f
	t.DurationMS = round3(float64(f.Sub(t.StartedAt).Microseconds()) / 1000)
	return t
}
