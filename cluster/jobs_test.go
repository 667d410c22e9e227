package cluster_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func TestFibValuesMatchTable(t *testing.T) {
	want := []int64{0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584,
		4181, 6765, 10946, 17711, 28657, 46368, 75025, 121393, 196418, 317811, 514229, 832040}
	c := startPool(t, cluster.Options{Workers: 2})
	inputs := make([]int64, len(want))
	for i := range inputs {
		inputs[i] = int64(i)
	}
	b, err := c.Submit("fib", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitBatch(ctxT(t), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != cluster.BatchDone || got.Summary.Done != len(want) {
		t.Fatalf("batch %s: %+v", got.State, got.Summary)
	}
	for i, j := range got.Jobs {
		if r, ok := cluster.IntValue(j.Result); !ok || r != want[i] {
			t.Errorf("fib(%s) = %s, want %d", j.Input, j.Result, want[i])
		}
		if j.Attempts != 1 || j.Worker == 0 || j.PID == 0 {
			t.Errorf("job %d: attempts %d worker %d pid %d", j.ID, j.Attempts, j.Worker, j.PID)
		}
	}
}

func submitWait(t *testing.T, c *cluster.Cluster, kind string, inputs []int64, opts cluster.BatchOptions) cluster.BatchInfo {
	t.Helper()
	b, err := c.Submit(kind, inputs, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitBatch(ctxT(t), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State == cluster.BatchRunning {
		t.Fatalf("list %s still running after the wait", b.ID)
	}
	return got
}

func TestSleepJobsRunInParallel(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	got := submitWait(t, c, "sleep", []int64{300, 300, 300, 300}, cluster.BatchOptions{})
	workers := map[int]int{}
	for _, j := range got.Jobs {
		workers[j.Worker]++
	}
	if len(workers) != 2 || got.Summary.Done != 4 {
		t.Fatalf("jobs per worker %v, summary %+v", workers, got.Summary)
	}
	// Two workers need two rounds of 300 ms; one would need four. The bound is loose
	// because the machine is shared. Sleeping needs no CPU, so here parallelism is
	// a fair picture; no one-worker run, so no measured speedup.
	if got.Summary.WallMS < 600 || got.Summary.Parallelism < 1.5 || got.Summary.Speedup != nil {
		t.Fatalf("wall %.0f ms, summary %+v", got.Summary.WallMS, got.Summary)
	}
	t.Logf("wall %.0f ms, work %.0f ms, parallelism %.2f", got.Summary.WallMS, got.Summary.WorkMS, got.Summary.Parallelism)
}

func TestCrashJobFailsAfterAttemptsAndPoolHeals(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2, Jobs: cluster.JobOptions{MaxAttempts: 3}})
	got := submitWait(t, c, "crash", []int64{3}, cluster.BatchOptions{})
	j := got.Jobs[0]
	if j.State != cluster.JobFailed || j.Attempts != 3 || !strings.Contains(j.Error, "exit code 3") {
		t.Fatalf("crash job: %+v", j)
	}
	waitFor(t, "pool back at full size", func() bool {
		p := c.Pool()
		return len(p.Workers) == 2 && p.Workers[0].State == cluster.StateIdle && p.Workers[1].State == cluster.StateIdle
	})
}

func TestTimeoutKillsAndReplacesWorker(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	ev := watch(t, c)
	// 2 s: far below the first job's minute, far above what the second job's 10 ms
	// take on a loaded machine, on a worker just forked to replace the killed one.
	got := submitWait(t, c, "sleep", []int64{60000, 10}, cluster.BatchOptions{Timeout: 2 * time.Second})
	if j := got.Jobs[0]; j.State != cluster.JobFailed || !strings.Contains(j.Error, "timed out after 2s") || j.Attempts != 1 {
		t.Fatalf("slow job: %+v", j)
	}
	if j := got.Jobs[1]; j.State != cluster.JobDone || string(j.Result) != "10" {
		t.Fatalf("next job: %+v", j)
	}
	exit := ev.next("killed worker", ofType(cluster.EventExit, got.Jobs[0].Worker))
	if exit.Signal != "SIGKILL" || !*exit.Restarting {
		t.Fatalf("exit: %+v", exit)
	}
}

func TestCancelLeavesNothingQueuedOrRunning(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	inputs := make([]int64, 50)
	for i := range inputs {
		inputs[i] = 60000
	}
	b, err := c.Submit("sleep", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two running", func() bool { return c.Pool().Queue.Running == 2 })
	if _, err := c.Cancel(b.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := c.WaitBatch(ctxT(t), b.ID)
	if got.State != cluster.BatchCanceled || got.Summary.Canceled != 50 {
		t.Fatalf("after cancel: %s %+v", got.State, got.Summary)
	}
	if q := c.Pool().Queue; q.Pending != 0 || q.Running != 0 {
		t.Fatalf("queue after cancel: %+v", q)
	}
	waitFor(t, "workers replaced and idle", func() bool {
		p := c.Pool()
		return len(p.Workers) == 2 && p.Workers[0].State == cluster.StateIdle && p.Workers[1].State == cluster.StateIdle
	})
	if _, err := c.Cancel("nope"); !errors.Is(err, cluster.ErrNotFound) {
		t.Fatalf("cancel unknown: %v", err)
	}
}

func TestSubmitValidates(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, Jobs: cluster.JobOptions{MaxPerBatch: 10, MaxQueued: 15}})
	cases := []struct {
		kind   string
		inputs []int64
		want   error
	}{
		{"nope", []int64{1}, cluster.ErrInvalid},
		{"fib", nil, cluster.ErrInvalid},
		{"fib", []int64{51}, cluster.ErrInvalid},
		{"fib", make([]int64, 11), cluster.ErrInvalid},
		{"fib", make([]int64, 10), nil},
		{"fib", make([]int64, 10), cluster.ErrQueueFull},
	}
	for _, tc := range cases {
		if _, err := c.Submit(tc.kind, tc.inputs, cluster.BatchOptions{}); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("Submit(%s, %d inputs) = %v, want %v", tc.kind, len(tc.inputs), err, tc.want)
		}
	}
}

func TestSnapshotIsConsistent(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	for i := 0; i < 3; i++ {
		submitWait(t, c, "fib", []int64{int64(i)}, cluster.BatchOptions{})
	}
	pool, lists := c.Snapshot(2)
	if len(lists) != 2 || lists[0].ID != c.RunID()+"-3" || lists[1].ID != c.RunID()+"-2" || pool.LastSeq != c.LastSeq() {
		t.Fatalf("snapshot: seq %d lists %+v", pool.LastSeq, lists)
	}
	if len(c.Kinds()) == 0 {
		t.Fatal("no kinds")
	}
}
