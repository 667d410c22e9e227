package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// drainingHTTPWorker is the documented way to serve HTTP in a worker: serve on the
// pool's shared socket until the primary asks this worker to leave (which closes
// the listener), then let the requests in flight finish with Shutdown.
func drainingHTTPWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	ln, err := cluster.Listen("tcp", os.Getenv(cluster.EnvListenAddr))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // a request takes a moment: some are in flight at any time
		fmt.Fprintf(w, "hello from worker %d\n", m.ID())
	})}
	srv.Serve(ln)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	m.Close()
	return 0
}

func init() { helpers["drainhttp"] = drainingHTTPWorker }

// loadClients runs n keep-alive HTTP clients against url until stop is closed and
// counts the requests that succeeded and those that failed.
type loadClients struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	firstErr   error
	wg         sync.WaitGroup
	stop       chan struct{}
}

// startLoad starts keepAlive clients that reuse one connection and oneShot clients
// that open a new connection per request (the path where a connection the primary
// passed to a retiring worker could be dropped).
func startLoad(url string, keepAlive, oneShot int) *loadClients {
	l := &loadClients{stop: make(chan struct{})}
	for i := range keepAlive + oneShot {
		l.wg.Add(1)
		go l.run(url, i >= keepAlive)
	}
	return l
}

func (l *loadClients) run(url string, oneShot bool) {
	defer l.wg.Done()
	tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableKeepAlives: oneShot}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	for {
		select {
		case <-l.stop:
			return
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = errors.New(resp.Status)
			}
		}
		if err != nil {
			l.failed.Add(1)
			l.mu.Lock()
			if l.firstErr == nil {
				l.firstErr = fmt.Errorf("new connection per request %v: %w", oneShot, err)
			}
			l.mu.Unlock()
			continue
		}
		l.ok.Add(1)
	}
}

func (l *loadClients) end() {
	close(l.stop)
	l.wg.Wait()
}

// waitServed waits until the clients have n more successful requests than before.
func (l *loadClients) waitServed(t *testing.T, n int64) {
	t.Helper()
	target := l.ok.Load() + n
	waitFor(t, fmt.Sprintf("%d requests served", n), func() bool { return l.ok.Load() >= target })
}

// TestRollingRestartLosesNoRequest restarts a 2-worker HTTP pool 20 times under 6
// keep-alive clients and 2 that connect anew for each request: not one request may fail (issue 14: 1-6 of ~2,000 did).
func TestRollingRestartLosesNoRequest(t *testing.T) {
	for _, mode := range []cluster.Balance{cluster.BalanceRR, cluster.BalanceOS} {
		t.Run(string(mode), func(t *testing.T) {
			c := startPool(t, cluster.Options{Workers: 2, Env: helperEnv("drainhttp"),
				Listen: "127.0.0.1:0", Balance: mode, StopTimeout: 20 * time.Second})
			if err := c.WaitReady(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			url := "http://" + c.ListenAddr() + "/"
			load := startLoad(url, 6, 2)
			defer load.end()
			load.waitServed(t, 50)
			restarts := 20
			if testing.Short() {
				restarts = 5
			}
			for i := range restarts {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				began := time.Now()
				err := c.Restart(ctx)
				cancel()
				t.Logf("restart %d took %s", i+1, time.Since(began).Round(time.Millisecond))
				if err != nil {
					t.Fatalf("restart %d: %v", i+1, err)
				}
				load.waitServed(t, 20)
			}
			load.end()
			load.stop = make(chan struct{}) // the deferred end finds nothing left to stop
			t.Logf("%d restarts: %d requests served, %d failed", restarts, load.ok.Load(), load.failed.Load())
			if n := load.failed.Load(); n != 0 {
				t.Fatalf("%d requests failed during rolling restarts; first: %v", n, load.firstErr)
			}
		})
	}
}
