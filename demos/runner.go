package demos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// ErrBusy: a demo of that kind already runs (one of each at a time), or the pool
// has no room or no worker for it. A server answers it with 409.
var ErrBusy = errors.New("busy")

// Timings are the clocks and sizes of the demos a Runner starts. They are fields,
// not constants, so tests can shorten them; DefaultTimings documents the production
// values.
type Timings struct {
	// KillEvery and Kills: the restart demo SIGKILLs a random worker every
	// KillEvery, Kills times, the first at once.
	KillEvery time.Duration
	Kills     int
	// HTTPFor is how long the http demo serves; HTTPWorkers how many workers share
	// its port.
	HTTPFor     time.Duration
	HTTPWorkers int
	// NodeWorkers plays the Node script's numCPUs in the fib demo's Node replay:
	// fewer than the lesson's 4 jobs, so the replay shows the hang on any machine.
	// NodeStall is how long that replay waits for the results it never asked for.
	NodeWorkers int
	NodeStall   time.Duration
}

// DefaultTimings are the demos' production timings.
func DefaultTimings() Timings {
	return Timings{KillEvery: time.Second, Kills: 5, HTTPFor: time.Minute, HTTPWorkers: 2,
		NodeWorkers: 2, NodeStall: DefaultStall}
}

// Runner runs the demos of a web panel beside its live pool c: the fib list goes to
// c, the restart demo's killer SIGKILLs c's workers, and the http demo and the fib
// demo's Node replay get small pools of their own. One of each runs at a time; Close
// stops them all.
type Runner struct {
	c   *cluster.Cluster
	log *slog.Logger
	// ctx ends at Close: the killer stops and the demos' own pools are closed.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex // guards the fields below
	t       Timings
	closed  bool
	killing bool        // the restart demo runs
	http    *httpDemo   // the running or the last http demo; nil before the first
	node    *nodeReplay // the running or the last Node replay; nil before the first
}

// NewRunner returns a Runner for the pool c; log receives the demos' own lines.
func NewRunner(c *cluster.Cluster, log *slog.Logger) *Runner {
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{c: c, log: log, ctx: ctx, cancel: cancel, t: DefaultTimings()}
}

// SetTimings replaces the timings of demos started from now on (tests).
func (d *Runner) SetTimings(t Timings) {
	d.mu.Lock()
	d.t = t
	d.mu.Unlock()
}

// Timings are the timings of demos started now.
func (d *Runner) Timings() Timings {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.t
}

// RunFib submits the fib demo's list to the live pool: the lesson's 44 42 42 43
// unless inputs are given. The list's page then shows the jobs side by side.
func (d *Runner) RunFib(inputs []int64) (cluster.BatchInfo, error) {
	if len(inputs) == 0 {
		inputs = DefaultFibInputs()
	}
	if len(inputs) > MaxFibInputs {
		return cluster.BatchInfo{}, fmt.Errorf("%w: %d inputs: the fib demo takes at most %d",
			cluster.ErrInvalid, len(inputs), MaxFibInputs)
	}
	return d.c.Submit("fib", inputs, cluster.BatchOptions{})
}

// StartKiller starts the restart demo: a goroutine that SIGKILLs a random live worker
// of the pool every KillEvery, Kills times, so the panel shows each death and its
// replacement. One runs at a time (ErrBusy).
func (d *Runner) StartKiller() (Timings, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return Timings{}, fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case d.killing:
		return Timings{}, fmt.Errorf("%w: the restart demo is already running; wait for it to finish", ErrBusy)
	case len(d.c.Workers()) == 0:
		return Timings{}, fmt.Errorf("%w: the pool has no live worker to kill; scale it up first", ErrBusy)
	}
	d.killing = true
	t := d.t
	d.wg.Go(func() {
		defer d.setKilling(false)
		d.killLoop(t)
	})
	return t, nil
}

// KillerRunning reports whether the restart demo runs.
func (d *Runner) KillerRunning() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.killing
}

func (d *Runner) setKilling(v bool) {
	d.mu.Lock()
	d.killing = v
	d.mu.Unlock()
}

// killLoop kills t.Kills workers, one every t.KillEvery, until Close.
func (d *Runner) killLoop(t Timings) {
	tick := time.NewTicker(t.KillEvery)
	defer tick.Stop()
	for i := range t.Kills {
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
func (d *Runner) killOne() {
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

// Close stops the killer, the http demo and the Node replay, and waits for them. It
// is safe to call more than once.
func (d *Runner) Close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
}
