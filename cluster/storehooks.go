package cluster

import (
	"encoding/json"
	"fmt"
)

// The pool's side of Options.Store: what it records, and when.

// record hands a change to the store, if there is one.
func (c *Cluster) record(ch Change) {
	if c.opts.Store != nil {
		c.opts.Store.Record(ch)
	}
}

func (c *Cluster) recordList(b *batch, inputs []json.RawMessage) {
	if c.opts.Store == nil {
		return
	}
	c.record(Change{Type: ChangeList, List: b.id, Kind: b.kind, Created: b.created, Timeout: b.timeout,
		Limit: b.limit, Workers: b.workers, FirstJob: b.jobs[0].id, Inputs: inputs})
}

func (c *Cluster) recordStart(j *job) {
	if c.opts.Store == nil {
		return
	}
	c.record(Change{Type: ChangeStart, List: j.b.id, Job: j.id, State: JobRunning, Attempts: int(j.attempts),
		Try: j.latestTry()})
}

// recordEnd writes a job's ending, except a cancel by the pool's shutdown: with a
// store, a list the primary stopped in is resumed by the next run instead.
func (c *Cluster) recordEnd(j *job) {
	if c.opts.Store == nil || c.closing && j.state == JobCanceled {
		return
	}
	c.record(Change{Type: ChangeEnd, List: j.b.id, Job: j.id, State: j.state, Result: j.result, Error: j.errMsg(),
		ErrData: j.errData(), Attempts: int(j.attempts), Try: j.latestTry()})
}

// recordLost writes an attempt that did not end its job, which is queued again.
func (c *Cluster) recordLost(j *job, t Try) {
	if c.opts.Store == nil {
		return
	}
	c.record(Change{Type: ChangeLost, List: j.b.id, Job: j.id, State: JobQueued, Error: j.errMsg(),
		Attempts: int(j.attempts), Try: t})
}

// recordListEnd writes a list's end, except when the pool's shutdown ended it: its
// jobs canceled so were not written (recordEnd), and the next run resumes it.
func (c *Cluster) recordListEnd(b *batch, sum BatchSummary) {
	if c.opts.Store == nil || c.closing && (b.state == BatchCanceled || b.canceled > 0) {
		return
	}
	c.record(Change{Type: ChangeListEnd, List: b.id, ListState: b.state, Finished: b.finished, Summary: &sum})
}

// recordEvent keeps the events a list's and its jobs' rows do not already say:
// the pool's and its workers' lives, and lists created and ended.
func (c *Cluster) recordEvent(ev Event) {
	if c.opts.Store == nil {
		return
	}
	switch ev.Type {
	case EventLog, EventJobStarted, EventJobDone, EventJobFailed, EventBatchProgress, EventMessage:
		return
	}
	c.record(Change{Type: ChangeEvent, Event: &ev})
}

// storeErr refuses new lists while the store cannot write them.
func (c *Cluster) storeErr() error {
	if c.opts.Store == nil {
		return nil
	}
	if err := c.opts.Store.Err(); err != nil {
		return fmt.Errorf("%w: the history store cannot write (%v); lists already queued keep running", ErrStorage, err)
	}
	return nil
}
