package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// TestDemoRestartRun: the restart demo SIGKILLs workers of the live pool, which
// replaces each at once; the event log has each exit with its signal.
func TestDemoRestartRun(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	a.s.demos.SetTimings(demos.Timings{KillEvery: 100 * time.Millisecond, Kills: 3, HTTPFor: time.Minute, HTTPWorkers: 2})
	var run demoRun
	a.do(http.MethodPost, "/api/demos/restart/run", "", "").want(t, http.StatusAccepted, &run)
	if run.Demo != "restart" || run.Page != "/" || run.Kills != 3 || run.Every != cluster.Duration(100*time.Millisecond) {
		t.Fatalf("answer %+v", run)
	}
	var killed []int
	waitFor(t, "three workers killed with SIGKILL and replaced", func() bool {
		var evs []cluster.Event
		a.get("/api/events?since=0").want(t, http.StatusOK, &evs)
		killed = killed[:0]
		for _, ev := range evs {
			if ev.Type == cluster.EventExit && ev.Signal == "SIGKILL" && *ev.Restarting && !*ev.Intentional {
				killed = append(killed, ev.Worker)
			}
		}
		return len(killed) == 3 && !a.s.demos.KillerRunning()
	})
	waitFor(t, "two new workers online", func() bool {
		p := a.pool()
		return len(p.Workers) == 2 && !slices.Contains(killed, p.Workers[0].ID) && !slices.Contains(killed, p.Workers[1].ID) &&
			p.Workers[0].State == cluster.StateIdle && p.Workers[1].State == cluster.StateIdle
	})
	// It ended, so it can run again; while it runs, a second run is refused.
	a.s.demos.SetTimings(slowKiller())
	a.do(http.MethodPost, "/api/demos/restart/run", "", "").want(t, http.StatusAccepted, nil)
	msg := a.do(http.MethodPost, "/api/demos/restart/run", "", "").wantError(t, http.StatusConflict, "conflict")
	if !strings.Contains(msg, "already running") {
		t.Fatalf("409 says %q", msg)
	}
}

// TestDemoKillerStopsAtClose: Server.Close stops a restart demo that still has kills
// to make, and demos asked for afterwards are refused with 503.
func TestDemoKillerStopsAtClose(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	a.s.demos.SetTimings(slowKiller())
	a.do(http.MethodPost, "/api/demos/restart/run", "", "").want(t, http.StatusAccepted, nil)
	a.s.Close() // returns only once the killer's goroutine has (goleak checks it too)
	if a.s.demos.KillerRunning() {
		t.Fatal("the restart demo still runs after Server.Close")
	}
	for _, id := range []string{"restart", "http"} {
		a.do(http.MethodPost, "/api/demos/"+id+"/run", "", "").wantError(t, http.StatusServiceUnavailable, "shutting_down")
	}
}
