package cluster

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// follower runs bus.follow on its own goroutine and records what fn was given. fn
// blocks on the first event until release is closed, so a test can make it fall
// behind at a known point; entered is closed when that first event arrives.
type follower struct {
	types   chan string // the type and seq of each event fn was given, in order
	seqs    chan uint64
	entered chan struct{}
	release chan struct{}
	resumed chan uint64
	err     chan error
	cancel  context.CancelFunc
}

func startFollower(t *testing.T, b *eventBus, since uint64, buffer int) *follower {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &follower{types: make(chan string, 1000), seqs: make(chan uint64, 1000), entered: make(chan struct{}),
		release: make(chan struct{}), resumed: make(chan uint64, 10), err: make(chan error, 1), cancel: cancel}
	opts := &FollowOptions{Buffer: buffer, OnResume: func(last uint64) { f.resumed <- last }}
	first := true
	go func() {
		f.err <- b.follow(ctx, since, opts, func(ev Event) error {
			if first {
				first = false
				close(f.entered)
				<-f.release
			}
			f.types <- ev.Type
			f.seqs <- ev.Seq
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-f.release:
		default:
			close(f.release)
		}
		<-f.err // follow must return once ctx ends, whatever it was doing
	})
	return f
}

// next waits for the n next events fn is given and returns their seqs; gaps are
// returned as their seq with the type checked by want.
func (f *follower) next(t *testing.T, n int) (seqs []uint64, types []string) {
	t.Helper()
	deadline := time.After(time.Minute)
	for range n {
		select {
		case s := <-f.seqs:
			seqs = append(seqs, s)
			types = append(types, <-f.types)
		case <-deadline:
			t.Fatalf("got %v, then nothing for a minute; want %d events", seqs, n)
		}
	}
	return seqs, types
}

func publishN(b *eventBus, n int) {
	for range n {
		b.publish(Event{Type: EventScale})
	}
}

// stallThenPublish publishes one event, waits until fn holds it (stalled until
// release), then publishes n more.
func stallThenPublish(b *eventBus, f *follower, n int) {
	publishN(b, 1)
	<-f.entered
	publishN(b, n)
}

func seqRange(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func TestFollowGivesEveryEventOnceFromSince(t *testing.T) {
	b := newTestBus(100)
	publishN(b, 3)
	f := startFollower(t, b, 1, 10)
	close(f.release)
	publishN(b, 3)
	if seqs, _ := f.next(t, 5); !slices.Equal(seqs, seqRange(2, 6)) {
		t.Fatalf("seqs %v, want 2..6", seqs)
	}
}

// TestFollowResumesFromTheRingWhenDropped: fn stalls while the pool publishes more
// than its buffer; the pool drops it, never waiting, and Follow replays the rest
// from the ring, so fn sees every event once and in order.
func TestFollowResumesFromTheRingWhenDropped(t *testing.T) {
	b := newTestBus(64)
	f := startFollower(t, b, 0, 1)
	stallThenPublish(b, f, 9) // 2 waits in the buffer, 3 overflows it: dropped
	if _, dropped := b.stats(); dropped != 1 {
		t.Fatalf("dropped %d subscriptions, want 1", dropped)
	}
	close(f.release)
	seqs, types := f.next(t, 10)
	if !slices.Equal(seqs, seqRange(1, 10)) || slices.Contains(types, EventGap) {
		t.Fatalf("seqs %v types %v, want 1..10 without a gap", seqs, types)
	}
	if last := <-f.resumed; last != 2 {
		t.Fatalf("resumed after seq %d, want 2 (the one left in the buffer)", last)
	}
}

// TestFollowReportsAGapItCannotFill: the ring moved past what fn missed, so fn is
// told with one EventGap at the seq Follow resumed from, then gets what follows.
func TestFollowReportsAGapItCannotFill(t *testing.T) {
	b := newTestBus(4)
	f := startFollower(t, b, 0, 1)
	stallThenPublish(b, f, 9) // the ring keeps 7..10 only
	close(f.release)
	seqs, types := f.next(t, 3)
	if !slices.Equal(seqs, []uint64{1, 2, 10}) || types[2] != EventGap {
		t.Fatalf("seqs %v types %v, want 1, 2, then a gap at 10", seqs, types)
	}
	publishN(b, 1)
	if seqs, types := f.next(t, 1); seqs[0] != 11 || types[0] != EventScale {
		t.Fatalf("after the gap: %v %v, want pool.scale 11", seqs, types)
	}
}

func TestFollowFromZeroStartsWithAGapOnceTheRingWrapped(t *testing.T) {
	b := newTestBus(4)
	publishN(b, 10)
	f := startFollower(t, b, 0, 8)
	close(f.release)
	if seqs, types := f.next(t, 1); seqs[0] != 10 || types[0] != EventGap {
		t.Fatalf("first: %v %v, want a gap at 10", seqs, types)
	}
}

func TestFollowEndsWithItsContext(t *testing.T) {
	b := newTestBus(16)
	f := startFollower(t, b, 0, 8)
	close(f.release)
	f.cancel()
	if err := <-f.err; !errors.Is(err, context.Canceled) {
		t.Fatalf("follow returned %v, want context.Canceled", err)
	}
	f.err <- nil // for the cleanup
	if subs, _ := b.stats(); subs != 0 {
		t.Fatalf("%d subscriptions left after follow returned", subs)
	}
}

func TestFollowReturnsFnsError(t *testing.T) {
	b := newTestBus(16)
	stop := errors.New("enough")
	publishN(b, 3)
	n := 0
	err := b.follow(context.Background(), 0, nil, func(Event) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Fatalf("follow returned %v after %d events, want fn's error after 2", err, n)
	}
	if subs, _ := b.stats(); subs != 0 {
		t.Fatalf("%d subscriptions left", subs)
	}
}

// TestFollowEndsWhenTheBusCloses: every event published before close is given,
// then ErrClosed.
func TestFollowEndsWhenTheBusCloses(t *testing.T) {
	b := newTestBus(16)
	f := startFollower(t, b, 0, 8)
	close(f.release)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		if subs, _ := b.stats(); subs == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the follower did not subscribe within a minute")
		}
	}
	publishN(b, 2)
	b.close()
	if err := <-f.err; !errors.Is(err, ErrClosed) {
		t.Fatalf("follow returned %v, want ErrClosed", err)
	}
	f.err <- nil
	if seqs, _ := f.next(t, 2); !slices.Equal(seqs, []uint64{1, 2}) {
		t.Fatalf("seqs %v before close, want 1 2", seqs)
	}
	if err := b.follow(context.Background(), 0, nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("follow on a closed bus: %v", err)
	}
}

func TestFollowRefusesASeqAheadOfThePool(t *testing.T) {
	b := newTestBus(16)
	publishN(b, 2)
	if err := b.follow(context.Background(), 3, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("follow from 3 with 2 published: %v, want ErrInvalid", err)
	}
}
