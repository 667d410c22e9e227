package server

import (
	"context"

	"github.com/gocluster/gocluster/cluster"
)

// follower runs cluster.Follow on a goroutine of its own and hands the events on
// C, for a goroutine that waits on other things too (the hub's joins, the fragment
// hub's timers). Follow copes with the reader falling behind: events wait in
// Follow's buffer, then in the ring; a gap the ring cannot fill arrives as one
// cluster.EventGap. C is closed when the pool closed or after stop.
type follower struct {
	C      <-chan cluster.Event
	cancel context.CancelFunc
}

// startFollower follows c from since; opts as in cluster.Follow.
func startFollower(c *cluster.Cluster, since uint64, opts *cluster.FollowOptions) *follower {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan cluster.Event)
	go func() {
		defer close(ch)
		// It ends with ctx (stop) or with the pool: either way C says so by closing.
		_ = c.Follow(ctx, since, opts, func(ev cluster.Event) error {
			select {
			case ch <- ev:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return &follower{C: ch, cancel: cancel}
}

// stop ends the goroutine and waits for it. Only the reader of C may call it.
func (f *follower) stop() {
	f.cancel()
	for range f.C {
	}
}
