package cluster

import (
	"errors"
	"sync"
	"time"
)

// ErrSlowSubscriber is what Subscription.Err reports after the subscription was dropped
// because its buffer filled: the pool never waits for a subscriber.
var ErrSlowSubscriber = errors.New("subscriber too slow: events dropped")

// Subscription receives events in seq order on C. If C's buffer fills, the
// subscription is dropped: C is closed and Err returns ErrSlowSubscriber. The
// subscriber can then resynchronise with Cluster.Pool and a new subscription (or
// SubscribeSince with the last seq it saw). Close it when done.
type Subscription struct {
	C   <-chan Event
	c   chan Event
	bus *eventBus
	err error // guarded by bus.mu
}

// Err reports why C was closed: nil after Close, ErrSlowSubscriber if it fell behind,
// ErrClosed if the cluster stopped.
func (s *Subscription) Err() error {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.err
}

// Close stops delivery and closes C. It is safe to call more than once.
func (s *Subscription) Close() { s.bus.remove(s, nil) }

// eventBus numbers events, keeps the most recent ones in a ring for late joiners,
// and fans them out to subscribers without ever blocking the publisher.
type eventBus struct {
	mu      sync.Mutex
	seq     uint64
	ring    []Event
	start   int // index of the oldest event in ring
	count   int
	subs    map[*Subscription]struct{}
	closed  bool
	now     func() time.Time
	run     string // stamped on every event: seqs start again with each run
	dropped uint64
}

func newEventBus(size int, now func() time.Time, run string) *eventBus {
	if size <= 0 {
		size = 4096
	}
	return &eventBus{ring: make([]Event, size), subs: map[*Subscription]struct{}{}, now: now, run: run}
}

// publish stamps ev with the run, the next seq and the time, stores it and
// delivers it.
func (b *eventBus) publish(ev Event) Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	ev.Seq = b.seq
	ev.Run = b.run
	ev.Time = b.now()
	b.store(ev)
	for s := range b.subs {
		select {
		case s.c <- ev:
		default:
			b.dropped++
			b.removeLocked(s, ErrSlowSubscriber)
		}
	}
	return ev
}

func (b *eventBus) store(ev Event) {
	if b.count < len(b.ring) {
		b.ring[(b.start+b.count)%len(b.ring)] = ev
		b.count++
		return
	}
	b.ring[b.start] = ev
	b.start = (b.start + 1) % len(b.ring)
}

// sinceLocked returns the stored events after seq; b.mu is held. ok is false when events after seq have
// already left the ring, so the caller knows it must take a snapshot instead.
func (b *eventBus) sinceLocked(seq uint64) (evs []Event, ok bool) {
	if seq >= b.seq {
		return nil, true
	}
	oldest := b.seq - uint64(b.count) + 1
	if b.count == 0 || seq+1 < oldest {
		return nil, false
	}
	n := int(b.seq - seq)
	evs = make([]Event, 0, n)
	for i := b.count - n; i < b.count; i++ {
		evs = append(evs, b.ring[(b.start+i)%len(b.ring)])
	}
	return evs, true
}

func (b *eventBus) since(seq uint64) ([]Event, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sinceLocked(seq)
}

func (b *eventBus) lastSeq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// subscribe registers a subscriber whose channel holds buffer events. With a since
// value it also returns the missed events, atomically with the registration so
// nothing falls between replay and live delivery.
func (b *eventBus) subscribe(buffer int, since *uint64) (*Subscription, []Event, bool) {
	s := newSubscription(b, buffer)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		s.err = ErrClosed
		close(s.c)
		return s, nil, false
	}
	var missed []Event
	ok := true
	if since != nil {
		missed, ok = b.sinceLocked(*since)
	}
	b.subs[s] = struct{}{}
	return s, missed, ok
}

// resume subscribes a follower that has seen every event up to last, with the
// events after last that the ring holds. When the ring has moved on, it subscribes
// from the latest event instead: gap is true and from is that event's seq. It
// returns a nil subscription once the bus is closed.
func (b *eventBus) resume(buffer int, last uint64) (s *Subscription, missed []Event, from uint64, gap bool) {
	s = newSubscription(b, buffer)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, nil, last, false
	}
	missed, ok := b.sinceLocked(last)
	if !ok {
		missed, from, gap = nil, b.seq, true
	} else {
		from = last
	}
	b.subs[s] = struct{}{}
	return s, missed, from, gap
}

func newSubscription(b *eventBus, buffer int) *Subscription {
	if buffer <= 0 {
		buffer = 256
	}
	c := make(chan Event, buffer)
	return &Subscription{C: c, c: c, bus: b}
}

func (b *eventBus) remove(s *Subscription, reason error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.removeLocked(s, reason)
}

// removeLocked ends s with reason; b.mu is held (the bus's …Locked functions are the
// only ones in the package that name a lock, and every caller holds it).
func (b *eventBus) removeLocked(s *Subscription, reason error) {
	if _, ok := b.subs[s]; !ok {
		return
	}
	delete(b.subs, s)
	s.err = reason
	close(s.c)
}

// close ends every subscription with ErrClosed.
func (b *eventBus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		b.removeLocked(s, ErrClosed)
	}
}

func (b *eventBus) stats() (subscribers int, dropped uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs), b.dropped
}
