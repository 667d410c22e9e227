package demos

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestRunnerHTTPRoundRobin: in rr mode the demo's primary hands connections out in
// turn, so 40 requests on new connections split 20/20 once both workers listen.
func TestRunnerHTTPRoundRobin(t *testing.T) {
	d := newTestRunner(t, cluster.Options{Workers: -1})
	st, err := d.StartHTTP("rr")
	if err != nil || st.Balance != cluster.BalanceRR || !st.Running {
		t.Fatalf("StartHTTP: %+v, %v", st, err)
	}
	d.mu.Lock()
	pool := d.http.c
	d.mu.Unlock()
	waitUntil(t, "both workers listening", func() bool { // then both are in the rotation
		n := 0
		for _, w := range pool.Workers() {
			if w.Listening != "" {
				n++
			}
		}
		return n == 2
	})
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 40 {
		resp, err := client.Get(st.URL)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	var now HTTPStatus
	waitUntil(t, "40 requests counted", func() bool {
		now = d.HTTPStatus()
		return now.Total == 40
	})
	if len(now.Workers) != 2 || now.Workers[0].Requests != 20 || now.Workers[1].Requests != 20 {
		t.Fatalf("status %+v: want a 20/20 split", now)
	}
}

// newTestRunner starts a pool with opts and a Runner beside it; both stop at the
// end of the test.
func newTestRunner(t *testing.T, opts cluster.Options) *Runner {
	t.Helper()
	opts.Logger = slog.New(slog.DiscardHandler)
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	d := NewRunner(c, opts.Logger)
	t.Cleanup(func() {
		d.Close()
		closePool(context.Background(), c)
	})
	return d
}

// waitUntil polls cond with a generous deadline.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
