package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// recentEvents is how many events GET /api/events returns without ?since=.
const recentEvents = 100

// getEvents is GET /api/events?since=SEQ&run=RUN: the retained events after SEQ,
// oldest first. Without since, the latest 100. With ?wait= and nothing new yet, it
// waits for the next event. When the pool no longer holds the events after SEQ, or
// RUN names another run of the primary (it restarted: seqs began again at 1), it
// answers 410 events_gone with the current run: the client must take a fresh
// snapshot (GET /api/pool) and resume from its last_seq.
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request) {
	wait, _, err := parseWait(r, s.cfg.MaxWait)
	var since *uint64
	if err == nil {
		since, err = parseSince(r.URL.Query().Get("since"))
	}
	if err == nil {
		err = s.checkRun(r.URL.Query().Get("run"))
	}
	var evs []cluster.Event
	if err == nil {
		evs, err = s.events(r, since, wait)
	}
	if errors.Is(err, errEventsGone) {
		err = &runError{run: s.c.RunID(), err: err}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	if evs == nil {
		evs = []cluster.Event{}
	}
	writeJSON(w, r, http.StatusOK, evs)
}

// checkRun refuses a ?run= of another run of the primary: its seqs mean nothing
// now. An empty run is not checked (clients of contract v1 send none).
func (s *Server) checkRun(run string) error {
	if run == "" || run == s.c.RunID() {
		return nil
	}
	return fmt.Errorf("%w: run %q is over: the server restarted as run %s, whose event seqs start "+
		"anew; fetch /api/pool and resume from its last_seq", errEventsGone, clip(run), s.c.RunID())
}

// runError carries the current run into the JSON error (its "run" field), so that
// a client told 410 learns the run to resume in without another request.
type runError struct {
	run string
	err error
}

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// events finds the events after since (or the recent ones), waiting up to wait for
// one if there is none yet.
func (s *Server) events(r *http.Request, since *uint64, wait time.Duration) ([]cluster.Event, error) {
	if since == nil {
		return s.recent(), nil
	}
	if last := s.c.LastSeq(); *since > last {
		return nil, fmt.Errorf("%w: seq %d is ahead of the latest event %d (did the server restart?); "+
			"fetch /api/pool and resume from its last_seq", errEventsGone, *since, last)
	}
	evs, ok := s.c.EventsSince(*since)
	if ok && len(evs) == 0 && wait > 0 {
		ctx, cancel := s.bg.waitContext(r.Context(), wait)
		defer cancel()
		evs, ok = s.nextEvents(ctx, *since)
	}
	if !ok {
		return nil, fmt.Errorf("%w: the events after seq %d are no longer kept; "+
			"fetch /api/pool and resume from its last_seq", errEventsGone, *since)
	}
	return evs, nil
}

// nextEvents waits for an event after since, then returns every event after since.
// An empty result means the wait ended first.
func (s *Server) nextEvents(ctx context.Context, since uint64) ([]cluster.Event, bool) {
	sub, missed, ok := s.c.SubscribeSince(since, 64)
	defer sub.Close()
	if !ok || len(missed) > 0 {
		return missed, ok
	}
	select {
	case <-sub.C: // an event, or the subscription ended: either way, look again
	case <-ctx.Done():
		return nil, true
	}
	return s.c.EventsSince(since)
}

// recent returns the latest events, up to recentEvents of them. A pool keeping fewer
// than that returns what it keeps.
func (s *Server) recent() []cluster.Event { return s.lastEvents(recentEvents) }

// lastEvents returns up to the latest max events that the pool still keeps.
func (s *Server) lastEvents(limit uint64) []cluster.Event {
	for n := limit; n > 0; n /= 2 {
		last := s.c.LastSeq()
		if evs, ok := s.c.EventsSince(last - min(last, n)); ok {
			return evs
		}
	}
	return nil
}
