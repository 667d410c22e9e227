package cluster

import (
	"encoding/json"
	"fmt"
	"unsafe"
)

// What a list not yet ended costs the primary, as Submit counts it against
// JobOptions.MaxQueuedBytes. A one-job list measured about 1.3 KB (the list, its map
// and order entries, its summary and its events); each job is its record and its
// place in the queue. Counting jobs alone, the default 2,000,000 queued jobs as
// one-job lists would have held some 2.6 GB.
const (
	listCost = 1536
	jobCost  = int64(unsafe.Sizeof(job{})) + 8
)

// listBytes estimates the memory of a list of n jobs whose inputs take in bytes.
func listBytes(n int, in int64) int64 { return listCost + jobCost*int64(n) + in }

// inputBytes sums the inputs' lengths.
func inputBytes(inputs []json.RawMessage) int64 {
	var n int64
	for _, in := range inputs {
		n += int64(len(in))
	}
	return n
}

// queueFull says why a list of n jobs whose inputs take in bytes cannot be queued
// now, or returns nil. It runs on the pool goroutine.
func (c *Cluster) queueFull(n int, in int64) error {
	o := c.opts.Jobs
	if c.jobs.queued+n > o.MaxQueued {
		return fmt.Errorf("%w: %d jobs are waiting, this list adds %d and the limit is %d; try again when some finished",
			ErrQueueFull, c.jobs.queued, n, o.MaxQueued)
	}
	if need := listBytes(n, in); need > o.MaxQueuedBytes {
		// Never fits, however empty the queue: a 429 would have a script retry forever.
		return fmt.Errorf("%w: this list alone needs about %s, more than the limit of %s on the lists not yet done; "+
			"split it, or raise -max-queued-bytes", ErrInvalid, humanBytes(need), humanBytes(o.MaxQueuedBytes))
	} else if c.jobs.liveBytes+need > o.MaxQueuedBytes {
		return fmt.Errorf("%w: the lists not yet done hold about %s, this list needs %s more and the limit is %s; "+
			"try again when some finished", ErrQueueFull, humanBytes(c.jobs.liveBytes), humanBytes(need),
			humanBytes(o.MaxQueuedBytes))
	}
	return nil
}

// humanBytes writes n in the largest binary unit that keeps it at least 1.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
