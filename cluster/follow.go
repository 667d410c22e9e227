package cluster

import (
	"context"
	"errors"
	"fmt"
)

// EventGap is the type of the one event Follow makes up itself: its follower fell so
// far behind that the events it missed left the ring (Options.EventHistory), so they
// are lost to it. The gap's Seq is where Follow resumed: events after the last one
// the follower was given, up to and including Seq, were never delivered; the next
// event is Seq+1. It is never published: no subscriber, /api/events or stream sees
// one.
const EventGap = "follow.gap"

// defaultFollowBuffer is FollowOptions.Buffer's default.
const defaultFollowBuffer = 1024

// FollowOptions tune Follow. A nil *FollowOptions is the zero value, ready to use.
type FollowOptions struct {
	// Buffer is how many events may wait for fn before the follower counts as slow:
	// its subscription is dropped and Follow resumes from the ring. Default 1024.
	Buffer int
	// OnResume, if set, is called on Follow's goroutine each time the follower was
	// dropped for falling behind, with the seq of the last event fn was given, just
	// before Follow resumes from the ring (and, if the ring moved on, hands fn an
	// EventGap).
	OnResume func(last uint64)
}

func (o *FollowOptions) buffer() int {
	if o == nil || o.Buffer <= 0 {
		return defaultFollowBuffer
	}
	return o.Buffer
}

func (o *FollowOptions) resumed(last uint64) {
	if o != nil && o.OnResume != nil {
		o.OnResume(last)
	}
}

// Follow calls fn with every event after since, in seq order and each once, on the
// caller's goroutine. fn may be slow: the pool never waits for it. When fn falls
// more than Buffer events behind, its subscription is dropped and Follow resumes
// from the event ring, so fn still sees every event; when the ring no longer holds
// them, fn is given one EventGap and then the events after it. since is a seq of
// this run: LastSeq() follows from now, 0 from the oldest event kept (with a gap
// first if seq 1 is gone).
//
// Follow returns ctx.Err() when ctx ends, fn's error as it is, ErrClosed once the
// cluster closed and fn was given every event published before, and ErrInvalid when
// since is ahead of LastSeq (a seq of another run).
func (c *Cluster) Follow(ctx context.Context, since uint64, opts *FollowOptions, fn func(Event) error) error {
	return c.bus.follow(ctx, since, opts, fn)
}

func (b *eventBus) follow(ctx context.Context, since uint64, opts *FollowOptions, fn func(Event) error) error {
	if latest := b.lastSeq(); since > latest {
		return fmt.Errorf("%w: follow from seq %d: the latest event is %d (a seq of another run?)",
			ErrInvalid, since, latest)
	}
	last := since
	for {
		sub, missed, from, gap := b.resume(opts.buffer(), last)
		if sub == nil {
			return ErrClosed
		}
		if gap {
			last = from
			missed = append(missed, Event{Run: b.run, Seq: from, Time: b.now(), Type: EventGap})
		}
		dropped, err := deliver(ctx, sub, missed, &last, fn)
		sub.Close()
		if !dropped {
			return err
		}
		opts.resumed(last)
	}
}

// deliver hands fn the missed events and then what sub receives, keeping *last at
// the seq of the latest one. dropped reports that the pool dropped sub for falling
// behind, so the caller resumes from *last.
func deliver(ctx context.Context, sub *Subscription, missed []Event, last *uint64, fn func(Event) error) (dropped bool, err error) {
	for _, ev := range missed {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if err := fn(ev); err != nil {
			return false, err
		}
		*last = ev.Seq
	}
	for {
		select {
		case ev, open := <-sub.C:
			if !open {
				err := sub.Err()
				return errors.Is(err, ErrSlowSubscriber), err
			}
			if err := fn(ev); err != nil {
				return false, err
			}
			*last = ev.Seq
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}
