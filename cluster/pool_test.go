package cluster_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func TestScaleWhileBusy(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// Jobs long enough that the two new workers come online while the first two
	// still run, even on a loaded machine (at 400 ms they sometimes did not).
	b, err := c.Submit("sleep", []int64{3000, 3000, 3000, 3000}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both busy", func() bool { return c.Pool().Queue.Running == 2 })
	if err := c.Scale(4); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "four running", func() bool { return c.Pool().Queue.Running == 4 })
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	got, _ := c.WaitBatch(ctxT(t), b.ID)
	if got.Summary.Done != 4 {
		t.Fatalf("retiring busy workers lost jobs: %+v", got.Summary)
	}
	for _, j := range got.Jobs {
		if j.Attempts != 1 {
			t.Errorf("job %d needed %d attempts: a retiring worker must finish its job", j.ID, j.Attempts)
		}
	}
	waitFor(t, "one worker", func() bool { return len(c.Workers()) == 1 })
	if err := c.Scale(-1); err == nil {
		t.Fatal("Scale(-1) accepted")
	}
	if err := c.Scale(c.MaxWorkers() + 1); err == nil {
		t.Fatal("Scale beyond max accepted")
	}
}

// TestRollingRestartNeverZero checks from the event stream that at every moment of a
// rolling restart at least one worker is online. With one worker this is what catches
// a restart that retires the old worker before its replacement is online; with two,
// the other worker would hide that.
func TestRollingRestartNeverZero(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", n), func(t *testing.T) { testRollingRestart(t, n) })
	}
}

func testRollingRestart(t *testing.T, n int) {
	c := startPool(t, cluster.Options{Workers: n, Env: helperEnv("echo")})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	before := c.Workers()
	ev := watch(t, c)
	if err := c.Restart(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	after := c.Workers()
	if len(after) != n || after[0].ID <= before[n-1].ID {
		t.Fatalf("after restart: %+v", after)
	}
	online := map[int]bool{}
	for _, w := range before {
		online[w.ID] = true
	}
	drain(ev) // Restart returned after the last exit event was published
	for _, e := range ev.got {
		switch e.Type {
		case cluster.EventOnline:
			online[e.Worker] = true
		case cluster.EventDisconnect, cluster.EventExit:
			delete(online, e.Worker)
		}
		if len(online) == 0 {
			t.Fatalf("no worker online after event %d (%s worker %d)", e.Seq, e.Type, e.Worker)
		}
	}
	for _, w := range after {
		if w.Restarts != 1 {
			t.Errorf("worker %d restarts = %d, want 1", w.ID, w.Restarts)
		}
	}
}

// drain moves every event already delivered into got.
func drain(e *events) {
	e.got = append(e.got, e.pending...)
	e.pending = nil
	for {
		select {
		case ev := <-e.sub.C:
			e.got = append(e.got, ev)
		default:
			return
		}
	}
}

// TestRetiredWorkerRunsItsAssignedJob sends a job and, right behind it, the request
// to leave: the worker must run the job the primary counts as running instead of
// leaving it to be retried (or, in a pool scaled to zero, to wait forever).
func TestRetiredWorkerRunsItsAssignedJob(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	for i := 0; i < 5; i++ {
		if err := c.WaitReady(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		b, err := c.Submit("sleep", []int64{1}, cluster.BatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Scale(0); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		got, err := c.WaitBatch(ctx, b.ID)
		cancel()
		if err != nil || got.Summary.Done != 1 || got.Jobs[0].Attempts != 1 {
			t.Fatalf("round %d: %v, %+v, jobs %+v", i, err, got.Summary, got.Jobs)
		}
		if err := c.Scale(1); err != nil {
			t.Fatal(err)
		}
	}
}
