package cluster

import (
	"runtime"
	"sort"
	"time"
)

// batchChanged coalesces progress: at most one batch.progress per list per
// ProgressInterval, and the list's end as soon as its last job ended.
func (c *Cluster) batchChanged(b *batch) {
	if b.ended() {
		c.finishBatch(b)
		return
	}
	if b.progressDue != nil {
		return
	}
	wait := c.opts.Jobs.ProgressInterval - c.clock.Now().Sub(b.lastProgress)
	b.progressDue = c.after(max(wait, 0), func() {
		b.progressDue = nil
		if b.state == BatchRunning {
			c.publishProgress(b)
		}
	})
}

func (c *Cluster) publishProgress(b *batch) {
	b.lastProgress = c.clock.Now()
	sum := b.summary(b.lastProgress)
	c.publish(Event{Type: EventBatchProgress, Batch: b.id, Kind: b.kind, Summary: &sum})
}

func (c *Cluster) finishBatch(b *batch) {
	if b.state != BatchRunning {
		return
	}
	b.progressDue.stop()
	b.progressDue = nil
	b.finished = c.clock.Now()
	c.jobs.liveBytes -= listBytes(len(b.jobs), b.inBytes)
	if b.canceled > 0 && b.state == BatchRunning && b.canceledByUser() {
		b.state = BatchCanceled
	} else {
		b.state = BatchDone
	}
	b.baselines.record(b)
	c.publishProgress(b)
	sum := b.summary(b.finished)
	c.recordListEnd(b, sum)
	c.publish(Event{Type: EventBatchDone, Batch: b.id, Kind: b.kind, State: string(b.state), Summary: &sum})
	for _, w := range b.waiters {
		close(w)
	}
	b.waiters = nil
	c.trimHistory()
}

// canceledByUser is true when a cancel request ended the list.
func (b *batch) canceledByUser() bool { return b.cancelRequested }

// trimHistory forgets the lists that ended first beyond the configured bounds. It
// goes by end, not creation: a long list that just ended is what its waiters
// (WaitBatch) are about to fetch, however many lists were created after it.
func (c *Cluster) trimHistory() {
	s := &c.jobs
	var ended []*batch
	jobsKept := 0
	for _, b := range s.order {
		if b.state != BatchRunning {
			ended = append(ended, b)
			jobsKept += len(b.jobs)
		}
	}
	lists := len(ended)
	if lists <= c.opts.Jobs.History && jobsKept <= c.opts.Jobs.HistoryJobs {
		return
	}
	sort.SliceStable(ended, func(i, j int) bool { return ended[i].finished.Before(ended[j].finished) })
	for _, b := range ended {
		if lists <= c.opts.Jobs.History && jobsKept <= c.opts.Jobs.HistoryJobs {
			break
		}
		lists--
		jobsKept -= len(b.jobs)
		delete(s.batches, b.id)
	}
	kept := s.order[:0]
	for _, b := range s.order {
		if s.batches[b.id] == b {
			kept = append(kept, b)
		}
	}
	clear(s.order[len(kept):])
	s.order = kept
}

// cancelBatch ends a list: queued jobs are canceled at once; running ones are
// stopped by killing their workers, which are replaced.
func (c *Cluster) cancelBatch(b *batch, reason string) {
	if b.state != BatchRunning {
		return
	}
	b.cancelRequested = true
	for i := range b.jobs {
		j := &b.jobs[i]
		if j.state == JobRunning {
			if p := c.procs[int(j.worker)]; p != nil {
				c.killDeliberately(p, ReasonCanceled)
			}
		}
		c.finishJob(j, JobCanceled, nil, reason)
	}
	c.jobs.queue.filter(func(j *job) bool { return j.b != b })
}

// cancelQueued cancels every job still waiting in the queue, of every list.
func (c *Cluster) cancelQueued(reason string) {
	for j := c.jobs.queue.popFront(); j != nil; j = c.jobs.queue.popFront() {
		if j.state == JobQueued {
			j.b.cancelRequested = true
			c.finishJob(j, JobCanceled, nil, reason)
		}
	}
}

// summary computes the numbers of a list as of now.
func (b *batch) summary(now time.Time) BatchSummary {
	s := BatchSummary{Total: len(b.jobs), Queued: b.queued, Running: b.running, Done: b.done,
		Failed: b.failed, Canceled: b.canceled, WorkMS: round3(b.workMS)}
	end := now
	if !b.finished.IsZero() {
		end = b.finished
	}
	s.WallMS = round3(float64(end.Sub(b.created).Microseconds()) / 1000)
	s.Workers, s.CPUs, s.MaxJobMS = b.workers, runtime.NumCPU(), round3(b.maxJobMS)
	if s.WallMS > 0 {
		s.Parallelism = round3(b.workMS / s.WallMS)
	}
	if base, ok := b.baselines.wall(b.key); ok && b.state != BatchRunning && s.WallMS > 0 && b.done == len(b.jobs) {
		sp := round3(base / s.WallMS)
		s.Speedup, s.BaselineMS = &sp, &base
	}
	return s
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
