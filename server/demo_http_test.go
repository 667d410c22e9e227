package server

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// TestDemoHTTPRun: the http demo's two workers share one port on loopback; every
// request is counted once, on the worker that served it; a second run is refused;
// and Server.Close stops the demo's workers.
func TestDemoHTTPRun(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	var idle demos.HTTPStatus
	a.get("/api/demos/http").want(t, http.StatusOK, &idle)
	if idle.Running || idle.Addr != "" || idle.Workers == nil {
		t.Fatalf("before any run: %+v", idle)
	}
	var run demoRun
	a.do(http.MethodPost, "/api/demos/http/run", "", "").want(t, http.StatusAccepted, &run)
	st := run.HTTP
	if run.Demo != "http" || run.Page != "/demos#demo-http" || st == nil || !st.Running ||
		!strings.HasPrefix(st.Addr, "127.0.0.1:") || st.URL != "http://"+st.Addr+"/" ||
		st.LoadCommand != "for i in $(seq 200); do curl -s http://"+st.Addr+"/ >/dev/null; done" ||
		st.SecondsLeft < 1 || st.SecondsLeft > 60 {
		t.Fatalf("answer %+v, http %+v", run, st)
	}
	a.do(http.MethodPost, "/api/demos/http/run", "", "").wantError(t, http.StatusConflict, "conflict")

	sendHellos(t, st.URL, 50)
	var now demos.HTTPStatus
	waitFor(t, "50 requests counted", func() bool {
		a.get("/api/demos/http").want(t, http.StatusOK, &now)
		return now.Total == 50
	})
	var sum int64
	for _, w := range now.Workers {
		sum += w.Requests
		if w.PID <= 0 {
			t.Errorf("worker %+v has no pid", w)
		}
	}
	if len(now.Workers) != 2 || sum != 50 || !now.Running {
		t.Fatalf("status %+v: want 2 workers whose counts add up to 50", now)
	}
	a.s.Close()
	for _, w := range now.Workers {
		if err := syscall.Kill(w.PID, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("demo worker %d (pid %d) still there after Server.Close: %v", w.Worker, w.PID, err)
		}
	}
	if _, err := http.Get(st.URL); err == nil {
		t.Error("the demo's port still answers after Server.Close")
	}
}

// sendHellos sends n requests to url, each on a new connection, and checks each
// answer is the lesson's "hello world".
func sendHellos(t *testing.T, url string, n int) {
	t.Helper()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range n {
		resp, err := client.Get(url)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || string(b) != "hello world\n" {
			t.Fatalf("request %d: %d %q %v", i, resp.StatusCode, b, err)
		}
	}
}

// TestDemoHTTPEnds: the http demo stops by itself when its time is up, keeps its
// counts for the page, and can then run again.
func TestDemoHTTPEnds(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	// 3 s, not less: the three requests must land while it serves, and on a loaded
	// machine 300 ms ran out first (EOF from a demo already stopped).
	a.s.demos.SetTimings(demos.Timings{KillEvery: time.Second, Kills: 1, HTTPFor: 3 * time.Second, HTTPWorkers: 1})
	var run demoRun
	a.do(http.MethodPost, "/api/demos/http/run", "", "").want(t, http.StatusAccepted, &run)
	sendHellos(t, run.HTTP.URL, 3)
	var st demos.HTTPStatus
	waitFor(t, "the demo to end", func() bool {
		a.get("/api/demos/http").want(t, http.StatusOK, &st)
		return !st.Running
	})
	if st.Total != 3 || st.Addr != run.HTTP.Addr || st.SecondsLeft != 0 || len(st.Workers) != 1 {
		t.Fatalf("after the end: %+v", st)
	}
	if _, err := http.Get(st.URL); err == nil {
		t.Fatal("the demo's port still answers after its end")
	}
	a.do(http.MethodPost, "/api/demos/http/run", "", "").want(t, http.StatusAccepted, &run)
	if !run.HTTP.Running || run.HTTP.Total != 0 {
		t.Fatalf("second run starts from %+v", run.HTTP)
	}
}

// TestDemoHTTPBalance: the http demo takes its balancing mode and reports it; an
// unknown mode is a 400. (That rr splits evenly is demos' TestRunnerHTTPRoundRobin.)
func TestDemoHTTPBalance(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	a.do(http.MethodPost, "/api/demos/http/run", "application/json", `{"balance":"fair"}`).
		wantError(t, http.StatusBadRequest, "invalid_input")
	var run demoRun
	a.do(http.MethodPost, "/api/demos/http/run", "application/json", `{"balance":"os"}`).
		want(t, http.StatusAccepted, &run)
	if run.HTTP == nil || run.HTTP.Balance != cluster.BalanceOS {
		t.Fatalf("answer %+v", run.HTTP)
	}
	var now demos.HTTPStatus
	sendHellos(t, run.HTTP.URL, 10)
	waitFor(t, "10 requests counted", func() bool {
		a.get("/api/demos/http").want(t, http.StatusOK, &now)
		return now.Total == 10
	})
	if now.Balance != cluster.BalanceOS || len(now.Workers) != 2 {
		t.Fatalf("status %+v: want balance os and two workers", now)
	}
}

// TestDemoHTTPRespectsMaxWorkers: the http demo's workers are processes beside the
// pool's; a demo that would pass -max-workers is refused (it forked 2 more beside a
// pool at its cap; found by review).
func TestDemoHTTPRespectsMaxWorkers(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, MaxWorkers: 2}, Config{})
	a.s.demos.SetTimings(demos.Timings{KillEvery: time.Second, Kills: 1, HTTPFor: time.Minute, HTTPWorkers: 2})
	msg := a.do(http.MethodPost, "/api/demos/http/run", "", "").wantError(t, http.StatusConflict, "conflict")
	if !strings.Contains(msg, "-max-workers 2") {
		t.Fatalf("refusal %q does not name the limit", msg)
	}
}
