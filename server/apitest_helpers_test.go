package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// testLog sends log lines to the test's log, so they show only for failing tests or
// with -v.
type testLog struct{ t testing.TB }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Logf("%s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// startPool starts a real pool of workers (this test binary, see TestMain), two by
// default, waits until they are online, and closes it at the end of the test,
// checking that no worker is left.
func startPool(t testing.TB, opts cluster.Options) *cluster.Cluster {
	t.Helper()
	if opts.Workers == 0 {
		opts.Workers = 2
	}
	if opts.Output == nil {
		opts.Output = testLog{t}
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	// Under -race, a process sleeps 1s at exit so late race reports get out; for
	// workers that is a second per worker exit, and races are still reported.
	opts.Env = append(opts.Env, "GORACE=atexit_sleep_ms=0")
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatalf("start pool: %v", err)
	}
	t.Cleanup(func() { closePool(t, c) })
	if opts.Workers > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := c.WaitReady(ctx); err != nil {
			t.Fatalf("pool not ready: %v", err)
		}
	}
	return c
}

// closePool cancels the lists still running (they would hold Close until their jobs
// end or StopTimeout passes; the test is done with them), closes the pool and
// checks no worker is left.
func closePool(t testing.TB, c *cluster.Cluster) {
	for _, b := range c.Batches() {
		if b.State == cluster.BatchRunning {
			c.Cancel(b.ID)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Close(ctx); err != nil {
		t.Errorf("close pool: %v", err)
	}
	if n := len(c.Workers()); n != 0 {
		t.Errorf("%d workers left after close", n)
	}
}

// apiServer is a Server on a real pool behind a real HTTP listener on 127.0.0.1.
type apiServer struct {
	t      testing.TB
	c      *cluster.Cluster
	s      *Server
	url    string
	client *http.Client
}

// newAPIServer starts a pool with opts and serves it with cfg. At the end the
// server is closed before the listener (so long polls end) and the pool last.
func newAPIServer(t testing.TB, opts cluster.Options, cfg Config) *apiServer {
	t.Helper()
	c := startPool(t, opts)
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	s := New(c, cfg)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	return &apiServer{t: t, c: c, s: s, url: ts.URL, client: ts.Client()}
}

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; contentType is set when not empty.
func (a *apiServer) do(method, path, contentType, body string) reply {
	a.t.Helper()
	req, err := http.NewRequest(method, a.url+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return a.send(req)
}

// send sends req and reads the whole answer.
func (a *apiServer) send(req *http.Request) reply {
	a.t.Helper()
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// get, and json sends a JSON body (none when body is "").
func (a *apiServer) get(path string) reply { return a.do(http.MethodGet, path, "", "") }

func (a *apiServer) json(method, path, body string) reply {
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return a.do(method, path, ct, body)
}

// want fails the test unless the status is status, and decodes the JSON body into v
// when v is not nil.
func (rp reply) want(t testing.TB, status int, v any) {
	t.Helper()
	if rp.status != status {
		t.Fatalf("status %d, want %d; body: %s", rp.status, status, rp.body)
	}
	if v == nil {
		return
	}
	if ct := rp.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(rp.body, v); err != nil {
		t.Fatalf("decode %s: %v", rp.body, err)
	}
}

// wantError checks the status, the JSON error shape and the code, and returns the
// message.
func (rp reply) wantError(t testing.TB, status int, code string) string {
	t.Helper()
	var e apiError
	rp.want(t, status, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error %+v, want code %q and a message; body: %s", e.Error, code, rp.body)
	}
	return e.Error.Message
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pool fetches GET /api/pool.
func (a *apiServer) pool() poolResponse {
	a.t.Helper()
	var p poolResponse
	a.get("/api/pool").want(a.t, http.StatusOK, &p)
	return p
}

// workerIDs lists the ids of the pool's live workers.
func workerIDs(p poolResponse) []int {
	ids := make([]int, len(p.Workers))
	for i, w := range p.Workers {
		ids[i] = w.ID
	}
	return ids
}

// batchJSON is a BatchInfo as a client decodes it: cluster.Duration only marshals,
// so the timeout is read as the string it is sent as.
type batchJSON struct {
	ID         string               `json:"id"`
	Kind       string               `json:"kind"`
	State      cluster.BatchState   `json:"state"`
	FinishedAt *time.Time           `json:"finished_at"`
	Timeout    string               `json:"timeout"`
	Jobs       []cluster.JobInfo    `json:"jobs"`
	Summary    cluster.BatchSummary `json:"summary"`
}

// results lists the results of b's jobs in order; -1 for a job without one.
func (b batchJSON) results() []int64 {
	out := make([]int64, len(b.Jobs))
	for i, j := range b.Jobs {
		out[i] = -1
		if r, ok := cluster.IntValue(j.Result); ok {
			out[i] = r
		}
	}
	return out
}
