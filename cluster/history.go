package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// flushWait bounds how long a read waits for the store to make what it answers
// durable; past it (a stuck disk) the pool answers from memory.
const flushWait = 5 * time.Second

// flush waits until every change recorded so far is durable, so that an answer
// built before never reports a job done that a crash could still lose. A failing
// store does not stop answers: the pool keeps serving what it holds.
func (c *Cluster) flush() {
	if c.opts.Store == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushWait)
	defer cancel()
	_ = c.opts.Store.Flush(ctx) // its failure is Store.Err, which refuses new lists
}

// savedBatch reads a list the pool no longer holds from the store.
func (c *Cluster) savedBatch(id string, offset, limit int) (BatchInfo, error) {
	if c.opts.Store == nil {
		return BatchInfo{}, fmt.Errorf("%w: no job list %q", ErrNotFound, id)
	}
	c.flush()
	return c.opts.Store.Batch(id, offset, limit)
}

// History lists job lists newest first as f says, across runs when the pool has a
// store (the lists it holds in memory are shown as they stand now), else among the
// lists it keeps. f.Limit 0 means 50.
func (c *Cluster) History(f BatchFilter) ([]BatchInfo, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var mem []BatchInfo
	if err := c.call(func() { mem = c.batchesOnLoop(0) }); err != nil {
		return nil, err
	}
	if c.opts.Store == nil {
		return filterBatches(mem, f)
	}
	live := make(map[string]BatchInfo, len(mem))
	for _, b := range mem {
		live[b.ID] = b
	}
	f.Held = func(id string) bool { _, ok := live[id]; return ok }
	c.flush()
	saved, err := c.opts.Store.Batches(f)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	for i, b := range saved {
		if m, ok := live[b.ID]; ok {
			saved[i] = m
		}
	}
	return saved, nil
}

// filterBatches applies f to lists newest first; an unknown f.Before is ErrInvalid,
// as with a store.
func filterBatches(bs []BatchInfo, f BatchFilter) ([]BatchInfo, error) {
	out := []BatchInfo{}
	from := 0
	if f.Before != "" {
		from = slices.IndexFunc(bs, func(b BatchInfo) bool { return b.ID == f.Before }) + 1
		if from == 0 {
			return nil, fmt.Errorf("%w: before: no job list %q", ErrInvalid, f.Before)
		}
	}
	for _, b := range bs[from:] {
		if f.matches(b) {
			out = append(out, b)
			if len(out) == f.Limit {
				break
			}
		}
	}
	return out, nil
}

// matches says whether a list passes the filter's state, kind and run.
func (f BatchFilter) matches(b BatchInfo) bool {
	return (f.State == "" || b.State == f.State) && (f.Kind == "" || b.Kind == f.Kind) &&
		(f.Run == "" || strings.HasPrefix(b.ID, f.Run+"-"))
}
