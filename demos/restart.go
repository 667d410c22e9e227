package demos

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// DefaultRestartDuration is how long the restart demo's first phase lasts.
const DefaultRestartDuration = 10 * time.Second

// MaxRestartDuration bounds the first phase.
const MaxRestartDuration = time.Hour

// RestartOptions configure Restart. The zero value runs one worker per CPU for
// DefaultRestartDuration.
type RestartOptions struct {
	// Workers is the pool size. Default: one per CPU.
	Workers int
	// Duration is how long workers die at random before the crash-loop phase.
	Duration time.Duration
}

func (o RestartOptions) withDefaults() (RestartOptions, error) {
	n, err := workerCount(o.Workers)
	if err != nil {
		return o, err
	}
	o.Workers = n
	if o.Duration == 0 {
		o.Duration = DefaultRestartDuration
	}
	if o.Duration < 0 || o.Duration > MaxRestartDuration {
		return o, fmt.Errorf("%w: duration %s: must be between 1ms and %s", cluster.ErrInvalid, o.Duration, MaxRestartDuration)
	}
	return o, nil
}

// Restart replays the lesson's cluster.on('exit', ...) restarter in two phases. In the
// first, workers die at random for Duration: some exit by themselves with an exit
// code, others get SIGKILL or SIGTERM from the primary; the primary prints
// "worker <pid> died (<signal or code>). restarting..." and the pool replaces each
// one at once. In the second, a worker crashes as soon as it starts, so the restart
// policy's growing backoff and then its crash-loop guard (pool.degraded) show.
func Restart(ctx context.Context, out io.Writer, opts RestartOptions) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	tr := newTranscript(out, nil)
	tr.holdWorkers()
	tr.printf("[master] phase 1: %d workers die at random for %s; each is replaced", opts.Workers, opts.Duration)
	st, err := randomDeaths(ctx, tr, opts)
	if err != nil {
		return err
	}
	tr.printf("[master] phase 1 over: %d workers died (%d exited with a code, %d were killed by the primary) and %d were restarted",
		st.died, st.byCode, st.bySignal, st.restarted)
	tr.release()
	tr.printf("")
	err = crashLoop(ctx, tr)
	tr.release()
	if err != nil {
		return err
	}
	return tr.Err()
}

// deaths counts what phase 1 saw.
type deaths struct{ died, byCode, bySignal, restarted int }

// randomDeaths runs phase 1: a pool of workers that exit with random codes after a
// random time, and a primary that kills one of them now and then.
func randomDeaths(ctx context.Context, tr *transcript, opts RestartOptions) (deaths, error) {
	popts := poolOptions(opts.Workers, "restart", tr)
	// Workers live at least minLife, longer than StableAfter, so every death counts
	// as a single crash and is restarted at once: the crash loop is phase 2's topic.
	popts.Restart = cluster.RestartPolicy{StableAfter: minLife / 2}
	c, err := cluster.Start(popts)
	if err != nil {
		return deaths{}, fmt.Errorf("start pool: %w", err)
	}
	defer closePool(ctx, c)
	evs := watchEvents(c)
	defer evs.close()
	var st deaths
	end := time.NewTimer(opts.Duration)
	defer end.Stop()
	kill := time.NewTimer(killInterval())
	defer kill.Stop()
	for _, ev := range evs.takePending() {
		st.on(tr, ev)
	}
	for {
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("restart demo: %w", ctx.Err())
		case <-end.C:
			return st, disconnect(ctx, c)
		case <-kill.C:
			killOne(tr, c)
			kill.Reset(killInterval())
		case ev, ok := <-evs.sub.C:
			if !ok {
				return st, fmt.Errorf("restart demo: event stream ended: %w", evs.sub.Err())
			}
			st.on(tr, ev)
		}
	}
}

// on prints one phase-1 event and counts deaths, the way the lesson's exit handler
// prints worker.process.pid and `signal || code`.
func (st *deaths) on(tr *transcript, ev cluster.Event) {
	switch ev.Type {
	case cluster.EventFork:
		tr.announce(ev.Worker, "[master] : fork worker %d (pid %d)", ev.Worker, ev.PID)
	case cluster.EventExit:
		if intentional(ev) {
			return
		}
		st.died++
		if ev.Signal != "" {
			st.bySignal++
		} else {
			st.byCode++
		}
		if ev.Restarting != nil && *ev.Restarting {
			st.restarted++
			tr.printf("worker %d died (%s). restarting...", ev.PID, exitReason(ev))
		} else {
			tr.printf("worker %d died (%s).", ev.PID, exitReason(ev))
		}
	}
}

// killInterval is the random time between two kills by the primary.
func killInterval() time.Duration {
	return 500*time.Millisecond + rand.N(500*time.Millisecond)
}

// killOne sends SIGKILL or SIGTERM, at random, to a random live worker.
func killOne(tr *transcript, c *cluster.Cluster) {
	ws := c.Workers()
	if len(ws) == 0 {
		return
	}
	info := ws[rand.IntN(len(ws))]
	sig := syscall.SIGKILL
	if rand.IntN(2) == 0 {
		sig = syscall.SIGTERM
	}
	w, err := c.Worker(info.ID)
	if err != nil {
		return // it died on its own meanwhile
	}
	tr.printf("[master] worker.kill('%s') on worker %d (pid %d)", sigName(sig), info.ID, info.PID)
	w.Kill(sig)
}

func sigName(sig syscall.Signal) string {
	if sig == syscall.SIGKILL {
		return "SIGKILL"
	}
	return "SIGTERM"
}
