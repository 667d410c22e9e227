package server

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// demoTimings are the demos' clocks and sizes. They are fields, not constants, so
// tests can shorten them; defaultDemoTimings documents the production values.
type demoTimings struct {
	// killEvery and kills: the restart demo SIGKILLs a random worker every killEvery,
	// kills times, the first at once.
	killEvery time.Duration
	kills     int
	// httpFor is how long the http demo serves; httpWorkers how many workers share
	// its port.
	httpFor     time.Duration
	httpWorkers int
}

func defaultDemoTimings() demoTimings {
	return demoTimings{killEvery: time.Second, kills: 5, httpFor: time.Minute, httpWorkers: 2}
}

// demoRunner runs the Demos page's demos for the Server, which owns it: the fib list
// goes to the live pool; the restart demo's killer and the http demo's pool are
// started here, one of each at a time, and stopped by close.
type demoRunner struct {
	c   *cluster.Cluster
	log *slog.Logger
	// ctx ends at close: the killer stops and the http demo's pool is closed.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex // guards the fields below
	t       demoTimings
	closed  bool
	killing bool      // the restart demo runs
	http    *httpDemo // the running or the last http demo; nil before the first
}

func newDemoRunner(c *cluster.Cluster, log *slog.Logger) *demoRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &demoRunner{c: c, log: log, ctx: ctx, cancel: cancel, t: defaultDemoTimings()}
}

// setTimings replaces the timings of demos started from now on (tests).
func (d *demoRunner) setTimings(t demoTimings) {
	d.mu.Lock()
	d.t = t
	d.mu.Unlock()
}

// timings are the timings of demos started now.
func (d *demoRunner) timings() demoTimings {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.t
}

// runFib submits the fib demo's list to the live pool: the lesson's 44 42 42 43
// unless inputs are given. The list's page then shows the jobs side by side.
func (d *demoRunner) runFib(inputs []int64) (cluster.BatchInfo, error) {
	if len(inputs) == 0 {
		inputs = demos.DefaultFibInputs()
	}
	if len(inputs) > demos.MaxFibInputs {
		return cluster.BatchInfo{}, fmt.Errorf("%w: %d inputs: the fib demo takes at most %d",
			cluster.ErrInvalid, len(inputs), demos.MaxFibInputs)
	}
	return d.c.Submit("fib", inputs, cluster.BatchOptions{})
}

// startKiller starts the restart demo: a goroutine that SIGKILLs a random live worker
// of the pool every killEvery, kills times, so the panel shows each death and its
// replacement. One runs at a time (errConflict).
func (d *demoRunner) startKiller() (demoTimings, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return demoTimings{}, fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case d.killing:
		return demoTimings{}, fmt.Errorf("%w: the restart demo is already running; wait for it to finish", errConflict)
	case len(d.c.Workers()) == 0:
		return demoTimings{}, fmt.Errorf("%w: the pool has no live worker to kill; scale it up first", errConflict)
	}
	d.killing = true
	t := d.t
	d.wg.Go(func() {
		defer d.setKilling(false)
		d.killLoop(t)
	})
	return t, nil
}

// killerRunning reports whether the restart demo runs.
func (d *demoRunner) killerRunning() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.killing
}

func (d *demoRunner) setKilling(v bool) {
	d.mu.Lock()
	d.killing = v
	d.mu.Unlock()
}

// killLoop kills t.kills workers, one every t.killEvery, until close.
func (d *demoRunner) killLoop(t demoTimings) {
	tick := time.NewTicker(t.killEvery)
	defer tick.Stop()
	for i := range t.kills {
		if i > 0 {
			select {
			case <-tick.C:
			case <-d.ctx.Done():
				return
			}
		}
		d.killOne()
	}
}

// killOne SIGKILLs a random live worker that is not stopping, and waits until it
// has exited, so every kill is one death. The pool replaces it at once: the event log
// shows "died (SIGKILL), restarting...".
func (d *demoRunner) killOne() {
	var live []cluster.WorkerInfo
	for _, w := range d.c.Workers() {
		if w.State != cluster.StateStopping {
			live = append(live, w)
		}
	}
	if len(live) == 0 {
		d.log.Info("restart demo: no live worker to kill this time")
		return
	}
	info := live[rand.IntN(len(live))]
	w, err := d.c.Worker(info.ID)
	if err == nil {
		err = w.Kill(syscall.SIGKILL)
	}
	if err != nil {
		d.log.Info("restart demo: worker gone before its kill", "worker", info.ID, "err", err)
		return
	}
	d.log.Info("restart demo: SIGKILL", "worker", info.ID, "pid", info.PID)
	select {
	case <-w.Exited():
	case <-d.ctx.Done():
	}
}

// close stops the killer and the http demo and waits for them. It is safe to call
// more than once.
func (d *demoRunner) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
}
