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
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
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
	client := &http.Client{Transport: tr, Timeout: time.Minute}
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
func (l *loadClients) waitServed(t testing.TB, n int64) {
	t.Helper()
	target := l.ok.Load() + n
	waitFor(t, fmt.Sprintf("%d requests served", n), func() bool { return l.ok.Load() >= target })
}

// TestRollingRestartLosesNoRequest restarts a 2-worker HTTP pool 20 times under 6
// keep-alive clients and 2 that connect anew for each request: not one request
// may fail (issue 14: 1-6 of ~2,000 did). Protocol workers are Go net/http
// servers on cluster.Listen (rr and os balancing); plain ones the standard-library
// Python server, socket-activated, which finishes its requests on SIGTERM.
func TestRollingRestartLosesNoRequest(t *testing.T) {
	cases := map[string]func(t *testing.T) cluster.Options{
		"rr": func(*testing.T) cluster.Options {
			return cluster.Options{Env: helperEnv("drainhttp"), Balance: cluster.BalanceRR}
		},
		"os": func(*testing.T) cluster.Options {
			return cluster.Options{Env: helperEnv("drainhttp"), Balance: cluster.BalanceOS}
		},
		"plain-socket-activated": func(t *testing.T) cluster.Options {
			return cluster.Options{Exec: needPython(t), Args: []string{activatedServer}, Protocol: cluster.ProtocolNone}
		},
	}
	for _, name := range []string{"rr", "os", "plain-socket-activated"} {
		t.Run(name, func(t *testing.T) {
			opts := cases[name](t)
			opts.Workers, opts.Listen, opts.DrainTimeout = 2, "127.0.0.1:0", time.Minute
			ok, failed, firstErr, _ := rollingRestartsUnderLoad(t, startPool(t, opts), 20)
			if failed != 0 {
				t.Fatalf("%d of %d requests failed during rolling restarts; first: %v", failed, ok+failed, firstErr)
			}
		})
	}
}

// rollingRestartsUnderLoad restarts c n times (5 with -short) under 6 keep-alive
// and 2 one-shot clients and counts the requests that succeeded and failed, and
// the time the restarts took.
func rollingRestartsUnderLoad(t testing.TB, c *cluster.Cluster, n int) (ok, failed int64, firstErr error, spent time.Duration) {
	if err := c.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	load := startLoad("http://"+c.ListenAddr()+"/", 6, 2)
	defer func() {
		if load != nil {
			load.end()
		}
	}()
	load.waitServed(t, 50)
	if testing.Short() {
		n = 5
	}
	for i := range n {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		began := time.Now()
		err := c.Restart(ctx)
		cancel()
		if err != nil {
			t.Fatalf("restart %d: %v", i+1, err)
		}
		spent += time.Since(began)
		t.Logf("restart %d took %s", i+1, time.Since(began).Round(time.Millisecond))
		load.waitServed(t, 20)
	}
	load.end()
	l := load
	load = nil
	t.Logf("%d restarts: %d requests served, %d failed", n, l.ok.Load(), l.failed.Load())
	return l.ok.Load(), l.failed.Load(), l.firstErr, spent
}

// TestTimedOutRestartLeavesNoStrayWorkers: a rolling restart whose context ends
// before the replacement is ready fails, and the pool keeps its size: the
// replacement holds the slot, its predecessor is retired all the same, and the
// other slot keeps its worker.
func TestTimedOutRestartLeavesNoStrayWorkers(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2, Env: helperEnv("drainhttp"), Listen: "127.0.0.1:0"})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	before := c.Workers()
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := c.Restart(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Restart: %v, want the deadline", err)
	}
	waitFor(t, "the pool back to 2 ready workers, the first one replaced", func() bool {
		ws := c.Workers()
		return len(ws) == 2 && ws[0].ID == before[1].ID && ws[1].ID > before[1].ID && ws[0].Ready && ws[1].Ready
	})
}
