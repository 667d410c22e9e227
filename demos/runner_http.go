package demos

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
)

// runnerHTTPAddr is where the Runner's http demo listens: loopback, on a free port,
// so it never clashes with anything and is never reachable from elsewhere.
const runnerHTTPAddr = "127.0.0.1:0"

// runnerHTTPStop bounds how long the http demo's workers may take to leave at its
// end before they are killed.
const runnerHTTPStop = 5 * time.Second

// httpDemo is one run of the lesson's request counter beside the live pool: a small
// pool of its own whose workers share one port, answer "hello world" and send
// {"cmd":"notifyRequest"} per request, which counter counts.
type httpDemo struct {
	c       *cluster.Cluster
	addr    string
	balance cluster.Balance
	ends    time.Time
	counter RequestCounter

	mu      sync.Mutex // guards running: shutdown ends it while status reads it
	running bool
}

// StartHTTP starts the http demo with balance ("" for the default), unless one runs
// or its workers would pass the pool's MaxWorkers (ErrBusy). Its pool is closed after
// HTTPFor, or at Close.
func (d *Runner) StartHTTP(balance string) (HTTPStatus, error) {
	mode, err := cluster.ParseBalance(balance)
	if err != nil {
		return HTTPStatus{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return HTTPStatus{}, fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case d.http != nil && d.http.isRunning():
		return HTTPStatus{}, fmt.Errorf("%w: the http demo is already running at http://%s/; wait for it to end",
			ErrBusy, d.http.addr)
	}
	if err := d.roomFor(d.t.HTTPWorkers, "the http demo"); err != nil {
		return HTTPStatus{}, err
	}
	h, err := launchHTTPDemo(d.t, d.log.With("demo", "http"), mode)
	if err != nil {
		return HTTPStatus{}, err
	}
	d.http = h
	d.wg.Go(func() { d.serveHTTP(h) })
	return h.status(), nil
}

// roomFor refuses a demo that forks n workers of its own when they and the pool's
// would pass -max-workers: they are processes too. d.mu is held.
func (d *Runner) roomFor(n int, what string) error {
	if live := len(d.c.Workers()) + d.ownWorkers(); live+n > d.c.MaxWorkers() {
		return fmt.Errorf("%w: %s forks %d workers beside the pool's %d, "+
			"more than -max-workers %d allows; scale the pool down first",
			ErrBusy, what, n, live, d.c.MaxWorkers())
	}
	return nil
}

// ownWorkers counts the workers of the demos' own pools that run. d.mu is held.
func (d *Runner) ownWorkers() int {
	n := 0
	if d.http != nil && d.http.isRunning() {
		n += len(d.http.c.Workers())
	}
	if d.node != nil && d.node.isRunning() {
		n += d.node.workers
	}
	return n
}

// launchHTTPDemo starts the demo's pool: empty at first, so that the shared socket
// is opened (and its free port known) before the workers are forked with it.
func launchHTTPDemo(t Timings, log *slog.Logger, balance cluster.Balance) (*httpDemo, error) {
	h := &httpDemo{running: true, balance: balance}
	c, err := cluster.Start(cluster.Options{
		Workers: -1, MaxWorkers: t.HTTPWorkers, Env: []string{EnvDemo + "=http"}, Balance: balance,
		QuietMessages: true, OnMessage: h.counter.OnMessage,
		Output: logLines{log}, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("start the http demo's pool: %w", err)
	}
	h.c = c
	addr, err := c.Listen("tcp", runnerHTTPAddr)
	if err == nil {
		err = c.Scale(t.HTTPWorkers)
	}
	if err != nil {
		h.shutdown()
		return nil, fmt.Errorf("start the http demo's workers: %w", err)
	}
	h.addr = addr.String()
	h.ends = time.Now().Add(t.HTTPFor)
	return h, nil
}

// serveHTTP lets h serve until its time is up or the Runner closes, then closes its
// pool.
func (d *Runner) serveHTTP(h *httpDemo) {
	timer := time.NewTimer(time.Until(h.ends))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-d.ctx.Done():
	}
	h.shutdown()
}

// shutdown closes the demo's pool: its workers finish the requests in flight and
// leave, or are killed after runnerHTTPStop.
func (h *httpDemo) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), runnerHTTPStop)
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

// HTTPStatus is the Runner's http demo as it stands (GET /api/demos/http): where it
// serves, how long it still does, and how many requests each worker reported.
type HTTPStatus struct {
	Running     bool            `json:"running"`
	Addr        string          `json:"addr,omitempty"`
	Balance     cluster.Balance `json:"balance,omitempty"` // os, rr or sticky: how the port's connections are spread
	URL         string          `json:"url,omitempty"`
	LoadCommand string          `json:"load_command,omitempty"`
	EndsAt      *time.Time      `json:"ends_at,omitempty"`
	SecondsLeft int             `json:"seconds_left"`
	Workers     []WorkerCount   `json:"workers"`
	Total       int64           `json:"total"`
}

// WorkerCount is one worker's share: every live worker of the demo, and every
// worker that served a request.
type WorkerCount struct {
	Worker   int   `json:"worker"`
	PID      int   `json:"pid"`
	Requests int64 `json:"requests"`
}

// status is the demo as it stands.
func (h *httpDemo) status() HTTPStatus {
	running := h.isRunning()
	var live []cluster.WorkerInfo
	if running {
		live = h.c.Workers()
	}
	total, shares := h.counter.Shares()
	ends := h.ends
	st := HTTPStatus{Running: running, Addr: h.addr, Balance: h.balance, URL: "http://" + h.addr + "/",
		LoadCommand: LoadCommand(h.addr, 200), EndsAt: &ends, Total: total, Workers: []WorkerCount{}}
	if running {
		st.SecondsLeft = int(math.Ceil(max(time.Until(h.ends), 0).Seconds()))
	}
	counted := make(map[int]RequestCount, len(shares))
	for _, sh := range shares {
		counted[sh.Worker] = sh
	}
	for _, w := range live {
		st.Workers = append(st.Workers, WorkerCount{Worker: w.ID, PID: w.PID, Requests: counted[w.ID].Requests})
		delete(counted, w.ID)
	}
	for _, sh := range counted { // workers gone since they served
		st.Workers = append(st.Workers, WorkerCount{Worker: sh.Worker, PID: sh.PID, Requests: sh.Requests})
	}
	slices.SortFunc(st.Workers, func(a, b WorkerCount) int { return a.Worker - b.Worker })
	return st
}

// HTTPStatus is the running or the last http demo; Running is false and Workers
// empty before the first.
func (d *Runner) HTTPStatus() HTTPStatus {
	d.mu.Lock()
	h := d.http
	d.mu.Unlock()
	if h == nil {
		return HTTPStatus{Workers: []WorkerCount{}}
	}
	return h.status()
}

// logLines sends the demo workers' output lines ("[worker 3] ...") to the log.
type logLines struct{ log *slog.Logger }

func (l logLines) Write(b []byte) (int, error) {
	l.log.Info(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
