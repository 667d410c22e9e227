package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// slowKiller is a restart demo that kills once at once and then waits a minute:
// while it waits it is certainly still running.
func slowKiller() demos.Timings {
	return demos.Timings{KillEvery: time.Minute, Kills: 2, HTTPFor: time.Minute, HTTPWorkers: 2}
}

// inputsOf lists the inputs of list id's jobs.
func (a *apiServer) inputsOf(id string) []int64 {
	a.t.Helper()
	var b batchJSON
	a.get("/api/batches/"+id+"?wait=60s").want(a.t, http.StatusOK, &b)
	in := make([]int64, len(b.Jobs))
	for i, j := range b.Jobs {
		in[i], _ = cluster.IntValue(j.Input)
	}
	return in
}

// TestDemoFibRun: the fib demo submits its list to the live pool and names the
// list's page; a JSON or a text body overrides the lesson's inputs.
func TestDemoFibRun(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	for _, body := range []string{`{"inputs":[20,18,18,19]}`, "20 18 18 19"} {
		var run demoRun
		a.do(http.MethodPost, "/api/demos/fib/run", "", body).want(t, http.StatusAccepted, &run)
		if run.Demo != "fib" || run.Batch == nil || run.Page != "/batches/"+run.Batch.ID {
			t.Fatalf("body %q: answer %+v", body, run)
		}
		var b batchJSON
		a.get("/api/batches/"+run.Batch.ID+"?wait=60s").want(t, http.StatusOK, &b)
		if b.Kind != "fib" || b.State != cluster.BatchDone ||
			!slices.Equal(b.results(), []int64{6765, 2584, 2584, 4181}) {
			t.Fatalf("body %q: list %+v, results %v", body, b, b.results())
		}
	}
	// Without a body it is the lesson's list, which takes seconds: cancel it.
	var run demoRun
	a.do(http.MethodPost, "/api/demos/fib/run", "", "").want(t, http.StatusAccepted, &run)
	a.do(http.MethodDelete, "/api/batches/"+run.Batch.ID, "", "").want(t, http.StatusOK, nil)
	if got := a.inputsOf(run.Batch.ID); !slices.Equal(got, []int64{44, 42, 42, 43}) {
		t.Fatalf("default inputs %v", got)
	}
}

func TestDemoRunRefusesBadRequests(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/api/demos/fib/run", `{"inputs":[51]}`, 400, "invalid_input"},
		{"POST", "/api/demos/fib/run", `{"inputs":[]}`, 400, "invalid_input"},
		{"POST", "/api/demos/fib/run", "20 x", 400, "invalid_input"},
		{"POST", "/api/demos/fib/run", `{"inputs":[1.5]}`, 400, "bad_json"},
		{"POST", "/api/demos/fib/run", `{"inputs":[1],"workers":3}`, 400, "bad_json"},
		{"POST", "/api/demos/fib/run", strings.Repeat("1 ", 1001), 400, "invalid_input"},
		{"POST", "/api/demos/restart/run", `{"inputs":[1]}`, 400, "invalid_input"},
		{"POST", "/api/demos/http/run", "20", 400, "invalid_input"},
		{"POST", "/api/demos/nope/run", "", 404, "not_found"},
		{"GET", "/api/demos/fib/run", "", 405, "method_not_allowed"},
		{"POST", "/api/demos/http", "", 405, "method_not_allowed"},
		// An empty pool has no worker for the restart demo to kill.
		{"POST", "/api/demos/restart/run", "", 409, "conflict"},
	} {
		msg := a.do(tc.method, tc.path, "", tc.body).wantError(t, tc.status, tc.code)
		t.Logf("%s %s %.30q -> %d %s", tc.method, tc.path, tc.body, tc.status, msg)
	}
	if n := len(a.c.Batches()); n != 0 {
		t.Fatalf("%d lists after refused runs", n)
	}
}

func TestDemosReadOnly(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{ReadOnly: true})
	for _, id := range []string{"fib", "restart", "http"} {
		a.do(http.MethodPost, fmt.Sprintf("/api/demos/%s/run", id), "", "").wantError(t, http.StatusForbidden, "read_only")
	}
	a.get("/api/demos/http").want(t, http.StatusOK, nil)
	p := a.page("/demos").want(t, http.StatusOK)
	if n := p.doc.Find("form").Length(); n != 0 {
		t.Errorf("read-only Demos page has %d forms", n)
	}
	if p.doc.Find("#http-demo").Length() != 1 {
		t.Error("read-only Demos page lacks the http demo's box")
	}
	if n := len(a.c.Batches()); n != 0 {
		t.Fatalf("read-only server made %d lists", n)
	}
}

func TestRunNote(t *testing.T) {
	for _, tc := range []struct {
		id   string
		t    demos.Timings
		want string
	}{
		{"restart", demos.DefaultTimings(), "pool once a second, 5 times"},
		{"restart", slowKiller(), "pool every 1 min, 2 times"},
		{"http", demos.DefaultTimings(), "Starts 2 more workers, apart from this panel's pool, sharing one port on 127.0.0.1 for 1 min."},
		{"http", demos.Timings{HTTPFor: 1500 * time.Millisecond, HTTPWorkers: 3}, "Starts 3 more workers, apart from this panel's pool, sharing one port on 127.0.0.1 for 1.5s."},
		{"fib", demos.DefaultTimings(), "opens its page"},
		{"nope", demos.DefaultTimings(), ""},
	} {
		got := runNote(tc.id, tc.t)
		if !strings.Contains(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("runNote(%s, %+v) = %q, want it to contain %q", tc.id, tc.t, got, tc.want)
		}
	}
}
