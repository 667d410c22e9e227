package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func TestWorkerReads(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	id := a.pool().Workers[0].ID

	var list []cluster.WorkerInfo
	a.get("/api/workers").want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != id {
		t.Fatalf("GET /api/workers: %+v", list)
	}
	var w cluster.WorkerInfo
	a.get(fmt.Sprintf("/api/workers/%d", id)).want(t, http.StatusOK, &w)
	if w.ID != id || w.PID == 0 || w.State != cluster.StateIdle {
		t.Fatalf("GET /api/workers/%d: %+v", id, w)
	}
	a.get("/api/workers/999").wantError(t, http.StatusNotFound, "not_found")
	a.get("/api/workers/abc").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/workers/0").wantError(t, http.StatusBadRequest, "invalid_input")
}

// TestKillWorkerIsReplaced: a killed worker leaves the pool and a new one, with a
// new id, takes its place.
func TestKillWorkerIsReplaced(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	id := a.pool().Workers[0].ID
	path := fmt.Sprintf("/api/workers/%d/kill", id)

	for _, body := range []string{`{"signal":"SIGSTOP"}`, `{"signal":"SIGWHAT"}`, `{"signal":9}`, `{"sig":"KILL"}`} {
		a.json(http.MethodPost, path, body).want(t, http.StatusBadRequest, nil)
	}
	a.json(http.MethodPost, "/api/workers/999/kill", "").wantError(t, http.StatusNotFound, "not_found")

	var got workerAction
	a.json(http.MethodPost, path, `{"signal":"kill"}`).want(t, http.StatusAccepted, &got)
	if got != (workerAction{Status: "killing", Worker: id, Signal: "SIGKILL"}) {
		t.Fatalf("answer %+v", got)
	}
	waitFor(t, "a replacement worker", func() bool {
		ids := workerIDs(a.pool())
		return len(ids) == 1 && ids[0] > id
	})
	// The default signal is SIGTERM, and an empty body is fine.
	next := a.pool().Workers[0].ID
	a.do(http.MethodPost, fmt.Sprintf("/api/workers/%d/kill", next), "", "").want(t, http.StatusAccepted, &got)
	if got.Signal != "SIGTERM" {
		t.Fatalf("default signal %q", got.Signal)
	}
	waitFor(t, "a second replacement", func() bool {
		ids := workerIDs(a.pool())
		return len(ids) == 1 && ids[0] > next
	})
}

func TestCrashAndStopWorker(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	ids := workerIDs(a.pool())

	a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/crash", ids[0]), `{"code":0}`).
		wantError(t, http.StatusBadRequest, "invalid_input")
	a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/crash", ids[0]), `{"code":"x"}`).
		wantError(t, http.StatusBadRequest, "bad_json")
	var got workerAction
	a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/crash", ids[0]), `{"code":3}`).want(t, http.StatusAccepted, &got)
	if got != (workerAction{Status: "crashing", Worker: ids[0], Code: 3}) {
		t.Fatalf("crash answer %+v", got)
	}
	waitFor(t, "the crashed worker replaced", func() bool {
		now := workerIDs(a.pool())
		return len(now) == 2 && !slices.Contains(now, ids[0])
	})

	msg := a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/stop", ids[1]), `{"timeout":"2h"}`).
		wantError(t, http.StatusBadRequest, "invalid_input")
	if !strings.Contains(msg, "outside 0s..1h0m0s") {
		t.Fatalf("stop timeout message %q", msg)
	}
	a.do(http.MethodPost, fmt.Sprintf("/api/workers/%d/stop", ids[1]), "", "").want(t, http.StatusAccepted, &got)
	if got.Status != "stopping" {
		t.Fatalf("stop answer %+v", got)
	}
	waitFor(t, "the pool to shrink to one", func() bool {
		p := a.pool()
		return p.Size == 1 && len(p.Workers) == 1 && !slices.Contains(workerIDs(p), ids[1])
	})
	a.do(http.MethodPost, fmt.Sprintf("/api/workers/%d/stop", ids[1]), "", "").wantError(t, http.StatusNotFound, "not_found")
}
