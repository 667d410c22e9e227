package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/demos"
)

// httpDemoAddr is where the http demo listens: loopback, on a free port, so it never
// clashes with anything and is never reachable from elsewhere.
const httpDemoAddr = "127.0.0.1:0"

// httpDemoStop bounds how long the http demo's workers may take to leave at its end
// before they are killed.
const httpDemoStop = 5 * time.Second

// httpDemo is one run of the lesson's request counter beside the live pool: a small
// pool of its own whose workers share one port, answer "hello world" and send
// {"cmd":"notifyRequest"} per request, which onMessage counts.
type httpDemo struct {
	c    *cluster.Cluster
	addr string
	ends time.Time

	mu      sync.Mutex // guards the fields below: onMessage runs on the pool's goroutine
	running bool
	counts  map[int]int64 // requests by worker id
	pids    map[int]int
	total   int64
}

// startHTTP starts the http demo, unless one runs (errConflict). Its pool is closed
// after t.httpFor, or at close.
func (d *demoRunner) startHTTP() (httpDemoStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return httpDemoStatus{}, fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case d.http != nil && d.http.isRunning():
		return httpDemoStatus{}, fmt.Errorf("%w: the http demo is already running at http://%s/; wait for it to end",
			errConflict, d.http.addr)
	}
	h, err := launchHTTPDemo(d.t, d.log.With("demo", "http"))
	if err != nil {
		return httpDemoStatus{}, err
	}
	d.http = h
	d.wg.Go(func() { d.serveHTTP(h) })
	return h.status(), nil
}

// launchHTTPDemo starts the demo's pool: empty at first, so that the shared socket
// is opened (and its free port known) before the workers are forked with it.
func launchHTTPDemo(t demoTimings, log *slog.Logger) (*httpDemo, error) {
	h := &httpDemo{running: true, counts: map[int]int64{}, pids: map[int]int{}}
	c, err := cluster.Start(cluster.Options{
		Workers: -1, Env: []string{demos.EnvDemo + "=http"},
		QuietMessages: true, OnMessage: h.onMessage,
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

// onMessage is the lesson's messageHandler: it counts notifyRequest messages. It
// runs on the demo pool's goroutine, so it only takes a short lock.
func (h *httpDemo) onMessage(from cluster.WorkerInfo, msg json.RawMessage) {
	var m struct {
		Cmd string `json:"cmd"`
	}
	if json.Unmarshal(msg, &m) != nil || m.Cmd != "notifyRequest" {
		return
	}
	h.mu.Lock()
	h.counts[from.ID]++
	h.pids[from.ID] = from.PID
	h.total++
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
	var live []cluster.WorkerInfo
	if h.isRunning() {
		live = h.c.Workers()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ends := h.ends
	st := httpDemoStatus{Running: h.running, Addr: h.addr, URL: "http://" + h.addr + "/",
		LoadCommand: loadCommand(h.addr), EndsAt: &ends, Total: h.total, Workers: []demoWorkerCount{}}
	if h.running {
		st.SecondsLeft = int(math.Ceil(max(time.Until(h.ends), 0).Seconds()))
	}
	seen := map[int]bool{}
	for _, w := range live {
		seen[w.ID] = true
		st.Workers = append(st.Workers, demoWorkerCount{Worker: w.ID, PID: w.PID, Requests: h.counts[w.ID]})
	}
	for id, n := range h.counts {
		if !seen[id] {
			st.Workers = append(st.Workers, demoWorkerCount{Worker: id, PID: h.pids[id], Requests: n})
		}
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

// loadCommand is a shell loop that sends the demo 200 requests, to copy into a
// terminal.
func loadCommand(addr string) string {
	return "for i in $(seq 200); do curl -s http://" + addr + "/ >/dev/null; done"
}

// logLines sends the demo workers' output lines ("[worker 3] ...") to the log.
type logLines struct{ log *slog.Logger }

func (l logLines) Write(b []byte) (int, error) {
	l.log.Info(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
