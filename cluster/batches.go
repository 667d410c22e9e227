package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// MinJobTimeout and MaxJobTimeout bound the per-list timeout a caller may ask for
// (0 is the pool's default): a job cannot even be handed to a worker in less than a
// millisecond.
const (
	MinJobTimeout = time.Millisecond
	MaxJobTimeout = 24 * time.Hour
)

// BatchOptions are per-list settings.
type BatchOptions struct {
	// Timeout is each job's deadline; 0 means the pool's default (JobOptions.Timeout).
	Timeout time.Duration
	// Workers bounds how many of the list's jobs run at once; 0 means no bound. A list
	// with Workers 1 that ends with every job done is the baseline that gives later
	// and earlier lists of the same kind and inputs their measured Speedup.
	Workers int
}

// Submit queues a job list of a numeric kind (fib, sleep, ...): kind is a served
// kind name, inputs its inputs in order. It is SubmitJSON with each integer as a
// JSON number.
func (c *Cluster) Submit(kind string, inputs []int64, opts BatchOptions) (BatchInfo, error) {
	return c.SubmitJSON(kind, intValues(inputs), opts)
}

// SubmitJSON queues a job list: kind is a kind the pool serves (see Kinds), inputs
// its inputs in order, each any JSON value of at most JobOptions.MaxValueBytes. A
// kind nobody serves gives an error wrapping ErrUnknownKind that names the served
// ones; other bad input an error wrapping ErrInvalid with the reason, naming the
// 1-based index of a bad input; a full queue ErrQueueFull. The inputs are compacted
// into copies, so the caller keeps its slices. The returned info has no jobs (see
// Batch).
func (c *Cluster) SubmitJSON(kind string, inputs []json.RawMessage, opts BatchOptions) (BatchInfo, error) {
	if c.opts.Protocol == ProtocolNone {
		return BatchInfo{}, fmt.Errorf("%w: no jobs", ErrPlainPrograms)
	}
	inputs, err := c.validate(kind, inputs, &opts)
	if err != nil {
		return BatchInfo{}, err
	}
	var info BatchInfo
	cerr := c.call(func() {
		if c.closing {
			err = ErrClosed
		} else if err = c.storeErr(); err == nil {
			err = c.queueFull(len(inputs), inputBytes(inputs))
		}
		if err == nil {
			b := c.jobs.newBatch(c, kind, inputs, opts)
			c.recordList(b, inputs)
			sum := b.summary(b.created)
			c.publish(Event{Type: EventBatchCreated, Batch: b.id, Kind: kind, Summary: &sum})
			c.dispatch()
			info = b.info(c.clock.Now(), false)
		}
	})
	if cerr != nil {
		return BatchInfo{}, cerr
	}
	return info, err
}

// validate checks a list and returns its inputs compacted.
func (c *Cluster) validate(kind string, inputs []json.RawMessage, opts *BatchOptions) ([]json.RawMessage, error) {
	if err := c.kinds.check(kind); err != nil {
		return nil, err
	}
	switch {
	case len(inputs) == 0:
		return nil, fmt.Errorf("%w: no inputs given", ErrInvalid)
	case len(inputs) > c.opts.Jobs.MaxPerBatch:
		return nil, fmt.Errorf("%w: too many inputs: %d > %d", ErrInvalid, len(inputs), c.opts.Jobs.MaxPerBatch)
	case opts.Workers < 0:
		return nil, fmt.Errorf("%w: workers %d is negative (0: no bound)", ErrInvalid, opts.Workers)
	case opts.Timeout < 0 || opts.Timeout > MaxJobTimeout || opts.Timeout > 0 && opts.Timeout < MinJobTimeout:
		return nil, fmt.Errorf("%w: timeout %s is outside %s..%s (or 0 for the default)", ErrInvalid, opts.Timeout,
			MinJobTimeout, MaxJobTimeout)
	}
	out, err := compactInputs(inputs, c.opts.Jobs.MaxValueBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if k, err := c.opts.Jobs.Registry.Lookup(kind); err == nil {
		if err := validateInts(k, out); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	if opts.Timeout == 0 {
		opts.Timeout = c.opts.Jobs.Timeout
	}
	return out, nil
}

// Batch returns one list with all its jobs. A list can hold a million jobs: code
// that answers untrusted clients should page them with BatchJobs instead.
func (c *Cluster) Batch(id string) (BatchInfo, error) {
	return c.BatchJobs(id, 0, math.MaxInt)
}

// BatchJobs returns one list with the jobs from offset, at most limit of them
// (none when offset is past the end); Summary.Total says how many there are. Only
// that slice is copied, on the pool goroutine, so a caller that pages a big list
// never holds more than a page of it.
func (c *Cluster) BatchJobs(id string, offset, limit int) (BatchInfo, error) {
	var info BatchInfo
	var found bool
	if err := c.call(func() {
		if b := c.jobs.batches[id]; b != nil {
			found = true
			info = b.info(c.clock.Now(), false)
			info.Jobs = b.jobInfos(offset, limit)
		}
	}); err != nil {
		return info, err
	}
	if !found {
		return c.savedBatch(id, offset, limit)
	}
	c.flush()
	return info, nil
}

// Batches returns the kept lists, newest first, without their jobs.
func (c *Cluster) Batches() []BatchInfo {
	var out []BatchInfo
	c.call(func() { out = c.batchesOnLoop(0) })
	return out
}

// batchesOnLoop lists up to limit lists (0: all), newest first. Like every
// …OnLoop function it runs on the pool goroutine, which owns the state it reads:
// no lock is held or needed.
func (c *Cluster) batchesOnLoop(limit int) []BatchInfo {
	var out []BatchInfo
	now := c.clock.Now()
	for i := len(c.jobs.order) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, c.jobs.order[i].info(now, false))
	}
	return out
}

// Cancel cancels a list: its queued jobs are canceled at once and its running jobs
// are stopped by killing their workers (which are replaced). Canceling an ended list
// changes nothing.
func (c *Cluster) Cancel(id string) (BatchInfo, error) {
	var info BatchInfo
	var found bool
	if err := c.call(func() {
		b := c.jobs.batches[id]
		if b == nil {
			return
		}
		found = true
		c.cancelBatch(b, "canceled by request")
		c.dispatch()
		info = b.info(c.clock.Now(), false)
	}); err != nil {
		return info, err
	}
	if !found {
		return info, fmt.Errorf("%w: no job list %q", ErrNotFound, id)
	}
	return info, nil
}

// WaitBatch waits until the list ended or ctx ended, then returns it with its jobs.
// A ctx that ends is not an error: the list is returned as it stands.
func (c *Cluster) WaitBatch(ctx context.Context, id string) (BatchInfo, error) {
	return c.WaitBatchJobs(ctx, id, 0, math.MaxInt)
}

// WaitBatchJobs is WaitBatch answering with a page of the jobs, as BatchJobs.
func (c *Cluster) WaitBatchJobs(ctx context.Context, id string, offset, limit int) (BatchInfo, error) {
	var ch chan struct{}
	var found bool
	if err := c.call(func() {
		b := c.jobs.batches[id]
		if b == nil {
			return
		}
		found = true
		if b.state == BatchRunning {
			ch = make(chan struct{})
			b.waiters = append(b.waiters, ch)
		}
	}); err != nil {
		return BatchInfo{}, err
	}
	if !found {
		return c.savedBatch(id, offset, limit)
	}
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
		}
	}
	return c.BatchJobs(id, offset, limit)
}

// info snapshots the list; with jobs, every job is included.
func (b *batch) info(now time.Time, withJobs bool) BatchInfo {
	info := BatchInfo{ID: b.id, Kind: b.kind, State: b.state, CreatedAt: b.created,
		Timeout: Duration(b.timeout), Summary: b.summary(now)}
	if !b.finished.IsZero() {
		t := b.finished
		info.FinishedAt = &t
	}
	if withJobs {
		info.Jobs = b.jobInfos(0, len(b.jobs))
	}
	return info
}

// jobInfos copies the jobs [offset, offset+limit) that exist; never nil, so a page
// past the end is an empty list rather than no list.
func (b *batch) jobInfos(offset, limit int) []JobInfo {
	offset = min(max(offset, 0), len(b.jobs))
	n := min(max(limit, 0), len(b.jobs)-offset)
	out := make([]JobInfo, n)
	for i := range out {
		out[i] = b.jobs[offset+i].info()
	}
	return out
}

func (j *job) info() JobInfo {
	b := j.b
	ji := JobInfo{ID: j.id, Input: j.input, State: j.state, Error: j.errMsg(), ErrorData: j.errData(),
		Worker: int(j.worker), PID: int(j.pid), Attempts: int(j.attempts), QueuedAt: b.created, DurationMS: j.durMS, Tries: j.fullTries()}
	if j.state == JobDone {
		ji.Result = j.result
	}
	if j.started > 0 {
		t := b.at(j.started)
		ji.StartedAt = &t
		ji.Host = b.hosts.of(int(j.worker))
	}
	if j.finished > 0 {
		t := b.at(j.finished)
		ji.FinishedAt = &t
	}
	return ji
}
