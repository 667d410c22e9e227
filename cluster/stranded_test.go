package cluster_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestDegradedPoolFailsQueuedJobs: a pool scaled to 0 keeps its jobs queued (a
// pause), but once its only slot crash-loops, with degraded slots never retried, no
// worker will come, so the queued jobs, and those of lists submitted afterwards, fail
// at once with the slot's reason. (With a cool-down they wait: see
// TestDegradedSlotRecovers.)
func TestDegradedPoolFailsQueuedJobs(t *testing.T) {
	clock := newFakeClock() // the crash-loop window never passes
	c := startPool(t, cluster.Options{Workers: -1, Env: helperEnv("exit3"), Clock: clock,
		Restart: cluster.RestartPolicy{CrashLoopWindow: time.Hour, CrashLoopLimit: 1, DegradedCooldown: -1}})
	ev := watch(t, c)
	paused, err := c.Submit("fib", []int64{1, 2, 3}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if q := c.Pool().Queue; q.Pending != 3 || paused.State != cluster.BatchRunning {
		t.Fatalf("a pool of size 0 should hold its jobs: queue %+v, list %s", q, paused.State)
	}

	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	deg := ev.next("degraded", ofType(cluster.EventDegraded, 0))
	want := "no worker can run it: " + deg.Error
	// The jobs failed in the same step that degraded the slot, before the pool
	// answers this call.
	got, err := c.Batch(paused.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != cluster.BatchDone || got.Summary.Failed != 3 {
		t.Fatalf("queued list once the pool degraded: %s %+v", got.State, got.Summary)
	}
	for _, j := range got.Jobs {
		if j.State != cluster.JobFailed || j.Error != want || j.Attempts != 0 {
			t.Errorf("job %d: %s %q (attempts %d), want failed %q", j.ID, j.State, j.Error, j.Attempts, want)
		}
	}
	if q := c.Pool().Queue; q.Pending != 0 || q.Running != 0 {
		t.Fatalf("queue of a degraded pool: %+v", q)
	}

	late, err := c.Submit("fib", []int64{4}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err = c.Batch(late.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != cluster.BatchDone || got.Summary.Failed != 1 || got.Jobs[0].Error != want {
		t.Fatalf("list submitted to a degraded pool: %s %+v %+v", got.State, got.Summary, got.Jobs)
	}
}

// TestUnstartableWorkersFailQueuedJobs: workers that cannot even be started crash-loop
// inside Scale; with no cool-down the queued jobs fail once the last slot gave up,
// naming every slot.
func TestUnstartableWorkersFailQueuedJobs(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, Exec: "/nonexistent/gocluster-worker", Clock: newFakeClock(),
		Restart: cluster.RestartPolicy{CrashLoopWindow: time.Hour, CrashLoopLimit: 1, DegradedCooldown: -1}})
	b, err := c.Submit("fib", []int64{1}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Scale(2); err != nil {
		t.Fatal(err)
	}
	got, err := c.Batch(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	j := got.Jobs[0]
	if got.State != cluster.BatchDone || j.State != cluster.JobFailed ||
		!strings.HasPrefix(j.Error, "no worker can run it: slot 1 crashed 2 times") ||
		!strings.Contains(j.Error, "; slot 2 crashed 2 times") {
		t.Fatalf("list queued for workers that cannot start: %s, job %s %q", got.State, j.State, j.Error)
	}
	if p := c.Pool(); !p.Degraded || p.Queue.Pending != 0 {
		t.Fatalf("pool: %+v", p)
	}
}
