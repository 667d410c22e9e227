package server

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// httpDemoAddr is where the http demo listens: loopback, on a free port, so it never
// clashes with anything and is never reachable from elsewhere.
const httpDemoAddr = "127.0.0.1:0"

// httpDemoStop bounds how long the http demo's workers may take to leave at its end
// before they are killed.
const httpDemoStop = 5 * time.Second

// httpDemo is one run of the lesson's request counter beside the live pool: a small
// pool of its own whose workers share one port, answer "hello world" and send
// {"cmd":"notifyRequest"} per request, which counter counts.
type httpDemo struct {
	c       *cluster.Cluster
	addr    string
	balance cluster.Balance
	ends    time.Time
	counter demos.RequestCounter

	mu      sync.Mutex // guards running: shutdown ends it while status reads it
	running bool
}

// startHTTP starts the http demo, unless one runs (errConflict). Its pool is closed
// after t.httpFor, or at close.
func (d *demoRunner) startHTTP(balance string) (httpDemoStatus, error) {
	mode, err := cluster.ParseBalance(balance)
	if err != nil {
		return httpDemoStatus{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return httpDemoStatus{}, fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case d.http != nil && d.http.isRunning():
		return httpDemoStatus{}, fmt.Errorf("%w: the http demo is already running at http://%s/; wait for it to end",
			errConflict, d.http.addr)
	case len(d.c.Workers())+d.t.httpWorkers > d.c.MaxWorkers():
		// Its workers are processes too: -max-workers bounds them with the pool's.
		return httpDemoStatus{}, fmt.Errorf("%w: the http demo forks %d workers beside the pool's %d, "+
			"more than -max-workers %d allows; scale the pool down first",
			errConflict, d.t.httpWorkers, len(d.c.Workers()), d.c.MaxWorkers())
	}
	h, err := launchHTTPDemo(d.t, d.log.With("demo", "http"), mode)
	if err != nil {
		return httpDemoStatus{}, err
	}
	d.http = h
	d.wg.Go(func() { d.serveHTTP(h) })
	return h.status(), nil
}

// launchHTTPDemo starts the demo's pool: empty at first, so that the shared socket
// is opened (and its free port known) before the workers are forked with it.
func launchHTTPDemo(t demoTimings, log *slog.Logger, balance cluster.Balance) (*httpDemo, error) {
	h := &httpDemo{running: true, balance: balance}
	c, err := cluster.Start(cluster.Options{
		Workers: -1, MaxWorkers: t.httpWorkers, Env: []string{demos.EnvDemo + "=http"}, Balance: balance,
		QuietMessages: true, OnMessage: h.counter.OnMessage,
		Output: logLines{log}, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("start the http demo's pool: %w", err)
	}
	h.c = c
	addr, err := c.Listen("tcp", httpDemoAddr)
	if err == nil {
		err = c.Scale(t.httpWorkers)
	}
	if err != nil {
		h.shutdown()
		return nil, fmt.Errorf("start the http demo's workers: %w", err)
	}
	h.addr = addr.String()
	h.ends = time.Now().Add(t.httpFor)
	return h, nil
}

// serveHTTP lets h serve until its time is up or the server closes, then closes its
// pool.
func (d *demoRunner) serveHTTP(h *httpDemo) {
	timer := time.NewTimer(time.Until(h.ends))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-d.ctx.Done():
	}
	h.shutdown()
}

// shutdown closes the demo's pool: its workers finish the requests in flight and
// leave, or are killed after httpDemoStop.
func (h *httpDemo) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), httpDemoStop)
	defer cancel()
	h.c.Close(ctx)
	h.mu.Lock()
	h.running = false
	h.mu.Unlock()
}

func (h *httpDemo) isRunning() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.running
}

// httpDemoStatus is GET /api/demos/http: where the demo serves, how long it still
// does, and how many requests each worker reported.
type httpDemoStatus struct {
	Running     bool              `json:"running"`
	Addr        string            `json:"addr,omitempty"`
	Balance     cluster.Balance   `json:"balance,omitempty"` // os, rr or sticky: how the port's connections are spread
	URL         string            `json:"url,omitempty"`
	LoadCommand string            `json:"load_command,omitempty"`
	EndsAt      *time.Time        `json:"ends_at,omitempty"`
	SecondsLeft int               `json:"seconds_left"`
	Workers     []demoWorkerCount `json:"workers"`
	Total       int64             `json:"total"`
}

// demoWorkerCount is one worker's share: every live worker of the demo, and every
// worker that served a request.
type demoWorkerCount struct {
	Worker   int   `json:"worker"`
	PID      int   `json:"pid"`
	Requests int64 `json:"requests"`
}

// status is the demo as it stands.
func (h *httpDemo) status() httpDemoStatus {
	running := h.isRunning()
	var live []cluster.WorkerInfo
	if running {
		live = h.c.Workers()
	}
	total, shares := h.counter.Shares()
	ends := h.ends
	st := httpDemoStatus{Running: running, Addr: h.addr, Balance: h.balance, URL: "http://" + h.addr + "/",
		LoadCommand: demos.LoadCommand(h.addr, 200), EndsAt: &ends, Total: total, Workers: []demoWorkerCount{}}
	if running {
		st.SecondsLeft = int(math.Ceil(max(time.Until(h.ends), 0).Seconds()))
	}
	counted := make(map[int]demos.RequestCount, len(shares))
	for _, sh := range shares {
		counted[sh.Worker] = sh
	}
	for _, w := range live {
		st.Workers = append(st.Workers, demoWorkerCount{Worker: w.ID, PID: w.PID, Requests: counted[w.ID].Requests})
		delete(counted, w.ID)
	}
	for _, sh := range counted { // workers gone since they served
		st.Workers = append(st.Workers, demoWorkerCount{Worker: sh.Worker, PID: sh.PID, Requests: sh.Requests})
	}
	slices.SortFunc(st.Workers, func(a, b demoWorkerCount) int { return a.Worker - b.Worker })
	return st
}

// httpStatus is the running or the last http demo; Running is false and Workers
// empty before the first.
func (d *demoRunner) httpStatus() httpDemoStatus {
	d.mu.Lock()
	h := d.http
	d.mu.Unlock()
	if h == nil {
		return httpDemoStatus{Workers: []demoWorkerCount{}}
	}
	return h.status()
}

// logLines sends the demo workers' output lines ("[worker 3] ...") to the log.
type logLines struct{ log *slog.Logger }

func (l logLines) Write(b []byte) (int, error) {
	l.log.Info(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
