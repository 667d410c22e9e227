package cluster

import (
	"errors"
	"testing"
	"time"
)

func newTestBus(size int) *eventBus { return newEventBus(size, time.Now, "test-run") }

func TestEventBusOrderAndSince(t *testing.T) {
	b := newTestBus(4)
	s, _, _ := b.subscribe(10, nil)
	for i := 0; i < 6; i++ {
		b.publish(Event{Type: EventMessage})
	}
	for want := uint64(1); want <= 6; want++ {
		if ev := <-s.C; ev.Seq != want {
			t.Fatalf("seq %d, want %d", ev.Seq, want)
		}
	}
	evs, ok := b.since(3)
	if !ok || len(evs) != 3 || evs[0].Seq != 4 || evs[2].Seq != 6 {
		t.Fatalf("since(3) = %v %v", evs, ok)
	}
	if _, ok := b.since(1); ok {
		t.Fatal("since(1) should report the gap as too old: the ring holds 3..6")
	}
	if evs, ok := b.since(6); !ok || len(evs) != 0 {
		t.Fatalf("since(latest) = %v %v", evs, ok)
	}
	s.Close()
	if _, open := <-s.C; open || s.Err() != nil {
		t.Fatalf("after Close: open=%v err=%v", open, s.Err())
	}
}

func TestEventBusDropsSlowSubscriberOnly(t *testing.T) {
	b := newTestBus(0)
	slow, _, _ := b.subscribe(2, nil)
	fast, _, _ := b.subscribe(100, nil)
	for i := 0; i < 50; i++ {
		b.publish(Event{Type: EventMessage}) // never blocks, whatever slow does
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != 2 || !errors.Is(slow.Err(), ErrSlowSubscriber) {
		t.Fatalf("slow got %d events, err %v; want 2 then ErrSlowSubscriber", n, slow.Err())
	}
	if len(fast.C) != 50 {
		t.Fatalf("fast subscriber got %d of 50", len(fast.C))
	}
	_, dropped := b.stats()
	if dropped != 1 {
		t.Fatalf("dropped = %d", dropped)
	}
	b.close()
	if _, open := <-fast.C; !open {
		t.Fatal("buffered events must still be readable after close")
	}
}

func TestSubscribeSinceHasNoGap(t *testing.T) {
	b := newTestBus(100)
	for i := 0; i < 10; i++ {
		b.publish(Event{Type: EventMessage})
	}
	s, missed, ok := b.subscribe(10, ptr(uint64(7)))
	b.publish(Event{Type: EventMessage})
	if !ok || len(missed) != 3 || missed[0].Seq != 8 {
		t.Fatalf("missed %v ok %v", missed, ok)
	}
	if ev := <-s.C; ev.Seq != 11 {
		t.Fatalf("live seq %d, want 11", ev.Seq)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDurationJSONRoundTrip(t *testing.T) {
	in := Duration(90 * time.Second)
	b, err := in.MarshalJSON()
	if err != nil || string(b) != `"1m30s"` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var out Duration
	if err := out.UnmarshalJSON(b); err != nil || out != in {
		t.Fatalf("unmarshal: %v %v", out, err)
	}
	if err := out.UnmarshalJSON([]byte(`"soon"`)); err == nil {
		t.Fatal("bad duration accepted")
	}
}
