package cluster_test

import (
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/proctest"
)

// TestHeirKeepsNodeOrder: a worker the pool SIGKILLs gets a ready spare as its
// heir before its exit is handled, and learners still see the old worker's exit
// (with its signal) first, then the heir's fork and online; the heir is no worker
// of the pool before that, and its first message comes after its online.
func TestHeirKeepsNodeOrder(t *testing.T) {
	c, ev, old, w := oneWorkerAndASpare(t, cluster.Options{}, nil)
	heir := cluster.KillWithHeir(w)
	if heir == 0 {
		t.Fatal("no heir was assigned with a ready spare")
	}
	for _, wi := range c.Workers() {
		if wi.PID == heir {
			t.Fatalf("the held heir is listed as a worker: %+v", wi)
		}
	}
	exit := ev.next("the old worker's exit", func(e cluster.Event) bool {
		if e.Worker != old.Worker && e.Worker != 0 {
			t.Fatalf("event of worker %d before the old worker's exit: %+v", e.Worker, e)
		}
		return e.Type == cluster.EventExit
	})
	if exit.Signal != "SIGKILL" || exit.Restarting == nil || !*exit.Restarting {
		t.Fatalf("exit: %+v", exit)
	}
	fork := ev.next("the heir's fork", func(e cluster.Event) bool { return e.Worker != old.Worker && e.Worker != 0 })
	if fork.Type != cluster.EventFork || fork.PID != heir || !fork.Standby || fork.Replaces != old.Worker {
		t.Fatalf("first event of the heir: %+v (heir pid %d)", fork, heir)
	}
	if on := ev.next("the heir's next event", func(e cluster.Event) bool { return e.Worker == fork.Worker }); on.Type != cluster.EventOnline {
		t.Fatalf("after its fork the heir's next event is %+v, want online", on)
	}
	whoami(t, ev, fork.Worker)
	if got := c.Workers(); len(got) != 1 || got[0].PID != heir {
		t.Fatalf("workers after the replacement: %+v", got)
	}
}

// TestHeirEndedWhenNoForkTakesIt: the killed worker's slot is dropped before its
// exit is reaped (a scale down), so nothing replaces it: the heir is killed and
// reaped, never forked, and the pool is empty.
func TestHeirEndedWhenNoForkTakesIt(t *testing.T) {
	c, ev, old, w := oneWorkerAndASpare(t, cluster.Options{}, nil)
	heir := cluster.KillAndDropSlot(w)
	if heir == 0 {
		t.Fatal("no heir was assigned with a ready spare")
	}
	exit := ev.next("exit", ofType(cluster.EventExit, old.Worker))
	if exit.Restarting == nil || *exit.Restarting {
		t.Fatalf("exit of a dropped slot's worker: %+v", exit)
	}
	waitReaped(t, heir)
	// Had the heir been forked, it would be a live worker, never reaped.
	if ws := c.Workers(); len(ws) != 0 {
		t.Fatalf("workers after the slot was dropped: %+v", ws)
	}
}

// TestHeirOfWorkerThatDoesNotDie: an heir whose predecessor is not reaped within
// HeirGiveUp is killed and reaped; the worker stays, and when it is killed later
// its replacement is forked the usual way.
func TestHeirOfWorkerThatDoesNotDie(t *testing.T) {
	clock := newFakeClock()
	c, ev, old, w := oneWorkerAndASpare(t, cluster.Options{}, clock)
	heir := cluster.PrepareHeir(w)
	if heir == 0 {
		t.Fatal("no heir was assigned with a ready spare")
	}
	clock.Advance(cluster.HeirGiveUp)
	waitReaped(t, heir)
	if ws := c.Workers(); len(ws) != 1 || ws[0].ID != old.Worker {
		t.Fatalf("workers after the heir gave up: %+v", ws)
	}
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	fork := ev.next("replacement fork", func(e cluster.Event) bool {
		return e.Type == cluster.EventFork && e.Worker != old.Worker
	})
	if fork.PID == heir {
		t.Fatalf("the ended heir was forked: %+v", fork)
	}
	ev.next("replacement online", ofType(cluster.EventOnline, fork.Worker))
}

// TestHeirReapedByClose: the pool closes right after a kill that assigned an
// heir; whether the heir was still held or already a worker, Close reaps it.
func TestHeirReapedByClose(t *testing.T) {
	c, _, _, w := oneWorkerAndASpare(t, cluster.Options{}, nil)
	heir := cluster.KillWithHeir(w)
	if heir == 0 {
		t.Fatal("no heir was assigned with a ready spare")
	}
	if err := c.Close(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if isChild(t, heir) {
		t.Fatalf("heir pid %d was not reaped by Close", heir)
	}
}

// TestCloseWaitsForAnEndedHeir: Close comes right after an heir was ended (its
// predecessor's slot was dropped), while the heir may still be dying. It belongs
// to no worker or spare list any more, yet Close must wait until its exit was
// handled: one reaped after the pool loop stopped left its writer goroutine
// behind (found by goleak in CI).
func TestCloseWaitsForAnEndedHeir(t *testing.T) {
	before := goleak.IgnoreCurrent()
	c, ev, old, w := oneWorkerAndASpare(t, cluster.Options{}, nil)
	if cluster.KillAndDropSlot(w) == 0 {
		t.Fatal("no heir was assigned with a ready spare")
	}
	ev.next("exit", ofType(cluster.EventExit, old.Worker)) // the heir is ended now
	if err := c.Close(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	proctest.VerifyNone(t, before)
}

func waitReaped(t *testing.T, pid int) {
	t.Helper()
	waitFor(t, "pid "+strconv.Itoa(pid)+" reaped", func() bool { return !isChild(t, pid) })
}

// isChild reports whether pid is still a child of this process (zombies too).
func isChild(t *testing.T, pid int) bool {
	kids, err := proctest.LeftoverChildren()
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(kids, func(k proctest.Proc) bool { return k.PID == pid })
}

// oneWorkerAndASpare starts a pool of one worker with one ready spare (opts
// adds to that; its Env defaults to the "id" helper), and returns its events
// (from the worker's fork on), that fork, and the worker. With clock the pool
// runs on that fake clock, advanced for the spare's refill.
func oneWorkerAndASpare(t *testing.T, opts cluster.Options, clock *fakeClock) (*cluster.Cluster, *events, cluster.Event, *cluster.Worker) {
	t.Helper()
	opts.Workers, opts.Standby = 1, 1
	if opts.Env == nil {
		opts.Env = helperEnv("id")
	}
	if clock != nil {
		opts.Clock = clock
	}
	c := startPool(t, opts)
	ev := watch(t, c)
	old := ev.next("fork", ofType(cluster.EventFork, 0))
	whoami(t, ev, old.Worker)
	if clock != nil {
		clock.Advance(time.Second) // the standby refill waits on the pool's clock
	}
	waitStandby(t, c, 1)
	w, err := c.Worker(old.Worker)
	if err != nil {
		t.Fatal(err)
	}
	return c, ev, old, w
}
