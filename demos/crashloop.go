package demos

import (
	"context"
	"fmt"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// crashLoopPolicy is phase 2's restart policy, spelled out so the transcript can
// name its numbers.
func crashLoopPolicy() cluster.RestartPolicy {
	return cluster.RestartPolicy{
		Backoff:         100 * time.Millisecond,
		MaxBackoff:      2 * time.Second,
		StableAfter:     30 * time.Second,
		CrashLoopWindow: time.Minute,
		CrashLoopLimit:  5,
	}
}

// crashLoopPatience bounds phase 2: the guard trips after about 1.5 s of backoff.
const crashLoopPatience = 30 * time.Second

// crashLoop runs phase 2: one worker that crashes as soon as it starts. The first
// restart is immediate, each further one waits twice as long, and after more than
// CrashLoopLimit crashes within CrashLoopWindow the slot is marked degraded and left
// empty.
func crashLoop(ctx context.Context, tr *transcript) error {
	p := crashLoopPolicy()
	tr.printf("[master] phase 2: a worker that crashes as soon as it starts. The first restart is")
	tr.printf("  immediate, then the pool waits %s, doubling up to %s (±20%% jitter), and after", p.Backoff, p.MaxBackoff)
	tr.printf("  more than %d crashes within %s it gives up on the slot (pool.degraded).", p.CrashLoopLimit, p.CrashLoopWindow)
	popts := poolOptions(1, "crashloop", tr)
	popts.Restart = p
	c, err := cluster.Start(popts)
	if err != nil {
		return fmt.Errorf("start pool: %w", err)
	}
	defer closePool(ctx, c)
	evs := watchEvents(c)
	defer evs.close()
	ctx, cancel := context.WithTimeout(ctx, crashLoopPatience)
	defer cancel()
	loop := crashWatch{tr: tr, exits: map[int]time.Time{}}
	for {
		ev, err := evs.next(ctx)
		if err != nil {
			return fmt.Errorf("restart demo, waiting for the crash-loop guard: %w", err)
		}
		if loop.on(ev) {
			return nil
		}
	}
}

// crashWatch prints phase 2's events; one goroutine uses it.
type crashWatch struct {
	tr      *transcript
	exits   map[int]time.Time // last exit per slot
	crashes int
}

// on prints one event; it reports true once the slot was marked degraded.
func (w *crashWatch) on(ev cluster.Event) bool {
	switch ev.Type {
	case cluster.EventFork:
		w.onFork(ev)
	case cluster.EventExit:
		w.crashes++
		w.exits[ev.Slot] = ev.Time
		w.tr.printf("worker %d died (%s). restarting...", ev.PID, exitReason(ev))
	case cluster.EventDegraded:
		w.tr.printf("[master] crash-loop guard (pool.degraded): %s", ev.Error)
		w.tr.printf("[master] so the restart announced above is called off. A supervisor that")
		w.tr.printf("  restarts forever (like the lesson's cluster.fork() in 'exit') would fork")
		w.tr.printf("  this worker as fast as it can die; the guard keeps the rest of the pool")
		w.tr.printf("  healthy and waits for a scale or restart (PUT /api/pool, POST /api/pool/restart).")
		return true
	}
	return false
}

// onFork says how long the pool waited before forking the slot's replacement.
func (w *crashWatch) onFork(ev cluster.Event) {
	died, ok := w.exits[ev.Slot]
	switch {
	case !ok:
		w.tr.announce(ev.Worker, "[master] : fork worker %d (pid %d)", ev.Worker, ev.PID)
	case w.crashes <= 1:
		w.tr.announce(ev.Worker, "[master] : fork worker %d (pid %d) at once: the first restart is immediate", ev.Worker, ev.PID)
	default:
		wait := ev.Time.Sub(died).Round(time.Millisecond)
		w.tr.announce(ev.Worker, "[master] : fork worker %d (pid %d) after a backoff of %s (crash %d in a row)",
			ev.Worker, ev.PID, wait, w.crashes)
	}
}
