package e2e

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/server"
)

// testTimeout bounds one test's browser work; each wait inside it has its own,
// shorter deadline (waitTimeout) so a failure names the step that hung.
const (
	testTimeout = 5 * time.Minute
	waitTimeout = 2 * time.Minute // a loaded machine running -race suites beside a browser is slow
)

// env is one test's world: a real pool, the real server in front of it on
// 127.0.0.1, and a browser tab.
type env struct {
	t   *testing.T
	c   *cluster.Cluster
	srv *httptest.Server
	url string          // the base URL the browser opens: the server's, or a proxy's
	ctx context.Context // the tab; ends at testTimeout
}

// newEnv starts a pool of workers (-1 for none), the server and a browser with
// JavaScript on. Everything stops at the end of the test, the browser first.
func newEnv(t *testing.T, workers int, workerEnv ...string) *env {
	t.Helper()
	path := browserPath(t)
	c := startPool(t, workers, workerEnv...)
	srv := startServer(t, c)
	e := &env{t: t, c: c, srv: srv, url: srv.URL}
	e.ctx = openTab(t, path)
	return e
}

// testLog sends lines to the test's log, so they show for failing tests or with -v.
type testLog struct{ t testing.TB }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Logf("%s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// startPool starts a real pool (this test binary is the worker, see TestMain), waits
// until its workers are online and closes it at the end of the test, checking that
// no worker is left behind.
func startPool(t *testing.T, workers int, env ...string) *cluster.Cluster {
	t.Helper()
	return startPoolWith(t, cluster.Options{Workers: workers, Env: env})
}

// startPoolWith is startPool with more options (another worker program).
func startPoolWith(t *testing.T, opts cluster.Options) *cluster.Cluster {
	t.Helper()
	opts.Output, opts.Logger = testLog{t}, slog.New(slog.NewTextHandler(testLog{t}, nil))
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatalf("start pool: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Close(ctx); err != nil {
			t.Errorf("close pool: %v", err)
		}
		if n := len(c.Workers()); n != 0 {
			t.Errorf("%d workers left after close", n)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("pool not ready: %v", err)
	}
	return c
}

// startServer serves the panel for c on 127.0.0.1 (httptest's default address).
func startServer(t *testing.T, c *cluster.Cluster) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := server.New(c, server.Config{Logger: logger})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close() // disconnects WebSocket clients, which httptest does not track
		srv.Close()
	})
	return srv
}

// open navigates the tab to path (relative to e.url) and waits for the body.
func (e *env) open(path string) {
	e.t.Helper()
	e.do("open "+path, chromedp.Navigate(e.url+path), chromedp.WaitReady(chromedp.CSS("body[data-page]")))
}

// do runs actions in the tab, failing the test with what on error.
func (e *env) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](e *env, expr string) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		e.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitJS polls the JavaScript expression expr in the page (once per animation
// frame) until it is truthy, and returns that value. On timeout it fails the test
// with what and the value of the expression dump, which should show the state that
// was wrong.
func waitJS[T any](e *env, what, expr, dump string) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout+5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(waitTimeout)))
	if err != nil {
		e.t.Fatalf("waiting for %s: %v\nstate: %s", what, err, e.dump(dump))
	}
	return v
}

// dump returns the value of expr as JSON text, or the error, for failure messages.
func (e *env) dump(expr string) string {
	if expr == "" {
		return "(none)"
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		return "cannot read: " + err.Error()
	}
	return string(b)
}

// markPage sets a marker on the page's window; samePage reports whether it is still
// there, that is, whether the page has not been reloaded or left since.
func (e *env) markPage() {
	e.t.Helper()
	eval[chromedp.Void](e, `window.__e2eMarker = true`)
}

func (e *env) samePage() bool {
	e.t.Helper()
	return eval[bool](e, `window.__e2eMarker === true`)
}

// waitLive waits until the page's WebSocket is connected (the badge says "live").
func (e *env) waitLive() {
	e.t.Helper()
	waitJS[bool](e, "the connection badge to say live",
		`document.querySelector('#conn-badge')?.dataset.conn === 'live'`,
		`document.querySelector('#conn-badge')?.outerHTML`)
}
