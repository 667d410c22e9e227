package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func TestEventsSince(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	var evs []cluster.Event
	a.get("/api/events?since=0").want(t, http.StatusOK, &evs)
	if len(evs) == 0 || evs[0].Seq != 1 || evs[0].Type != cluster.EventFork {
		t.Fatalf("since=0: %+v", evs)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 {
			t.Fatalf("gap between %d and %d", evs[i-1].Seq, evs[i].Seq)
		}
	}
	last := evs[len(evs)-1].Seq
	a.get(fmt.Sprintf("/api/events?since=%d", last)).want(t, http.StatusOK, &evs)
	if len(evs) != 0 {
		t.Fatalf("since=last gave %+v", evs)
	}
	if body := string(a.get(fmt.Sprintf("/api/events?since=%d", last)).body); body != "[]\n" {
		t.Fatalf("no events must be [], got %q", body)
	}
	var recent []cluster.Event
	a.get("/api/events").want(t, http.StatusOK, &recent)
	if len(recent) == 0 || recent[len(recent)-1].Seq != last {
		t.Fatalf("without since: %+v", recent)
	}

	a.get("/api/events?since=x").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/events?since=-1").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/events?since=0&wait=1h").wantError(t, http.StatusBadRequest, "invalid_input")
	msg := a.get(fmt.Sprintf("/api/events?since=%d", last+1000)).wantError(t, http.StatusGone, "events_gone")
	if !strings.Contains(msg, "last_seq") {
		t.Fatalf("410 message %q does not say how to resume", msg)
	}
}

// TestEventsWait: with ?wait= and nothing new, the answer comes with the next event.
func TestEventsWait(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	last := a.pool().LastSeq
	got := make(chan []cluster.Event, 1)
	go func() {
		var evs []cluster.Event
		a.get(fmt.Sprintf("/api/events?since=%d&wait=60s", last)).want(t, http.StatusOK, &evs)
		got <- evs
	}()
	// The scale below may come before or after the poll parks: either way its
	// events are after last.
	a.json(http.MethodPut, "/api/pool", `{"size":2}`).want(t, http.StatusOK, nil)
	select {
	case evs := <-got:
		if len(evs) == 0 || evs[0].Seq != last+1 {
			t.Fatalf("got %+v, want events from seq %d", evs, last+1)
		}
	case <-time.After(time.Minute):
		t.Fatal("the long poll did not return after an event")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := a.s.c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var evs []cluster.Event
	a.get(fmt.Sprintf("/api/events?since=%d&wait=100ms", a.s.c.LastSeq())).want(t, http.StatusOK, &evs)
	if len(evs) != 0 || time.Since(start) < 100*time.Millisecond {
		t.Fatalf("quiet wait: %d events after %v", len(evs), time.Since(start))
	}
}

// TestEventsGone: once the ring dropped the events after SEQ, the answer is 410
// with a way to resume.
func TestEventsGone(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, EventHistory: 8}, Config{})
	for _, n := range []int{2, 1, 2, 1} {
		a.json(http.MethodPut, "/api/pool", fmt.Sprintf(`{"size":%d}`, n)).want(t, http.StatusOK, nil)
	}
	waitFor(t, "more events than the ring keeps", func() bool { return a.s.c.LastSeq() > 12 })
	msg := a.get("/api/events?since=1").wantError(t, http.StatusGone, "events_gone")
	if !strings.Contains(msg, "/api/pool") {
		t.Fatalf("410 message %q", msg)
	}
	var recent []cluster.Event
	a.get("/api/events").want(t, http.StatusOK, &recent)
	if len(recent) == 0 || len(recent) > 8 {
		t.Fatalf("without since on a small ring: %d events", len(recent))
	}
	p := a.pool()
	var evs []cluster.Event
	a.get(fmt.Sprintf("/api/events?since=%d", p.LastSeq)).want(t, http.StatusOK, &evs)
}
