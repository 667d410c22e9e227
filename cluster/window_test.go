package cluster_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// With the default (adaptive) prefetch, a list of tiny jobs grows the workers'
// windows past 1: they are not bound by one IPC round trip per job.
func TestAutoWindowGrowsForTinyJobs(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	list := make([]int64, 20_000)
	for i := range list {
		list[i] = 1
	}
	info, err := c.Submit("fib", list, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitBatch(ctxT(t), info.ID)
	if err != nil || got.Summary.Done != len(list) {
		t.Fatalf("list ended %v: %+v", err, got.Summary)
	}
	best := 0
	for _, peak := range cluster.WindowPeaks(c) {
		best = max(best, peak)
	}
	if best < 8 {
		t.Errorf("largest window over 20,000 tiny jobs: %d, want it grown to 8 or more (peaks %v)", best, cluster.WindowPeaks(c))
	}
}

// With the default prefetch, long jobs are never held behind one another: while one
// worker runs a long job, the other runs every short one, and no window grows.
func TestAutoWindowKeepsLongJobsBalanced(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// 6 × 100 ms on one worker take well under the other's 1500 ms even on a loaded
	// machine, so with a window of 1 the long job's worker never gets a short one.
	list := []int64{1500, 100, 100, 100, 100, 100, 100}
	info, err := c.Submit("sleep", list, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitBatch(ctxT(t), info.ID)
	if err != nil || got.Summary.Done != len(list) {
		t.Fatalf("list ended %v: %+v", err, got.Summary)
	}
	long := got.Jobs[0].Worker
	for _, j := range got.Jobs[1:] {
		if j.Worker == long {
			t.Errorf("a short job (%s) waited behind the long one on worker %d: %+v", j.Input, long, got.Jobs)
		}
	}
	// The windows only logged: a loaded machine's IPC round trip can pass a quarter
	// of a 100 ms job (CI, two suites and four hogs: a window of 4), and what users
	// see — no short job behind the long one — is checked above.
	t.Logf("window peaks on 100 ms jobs: %v", cluster.WindowPeaks(c))
}

// A worker killed while its window holds jobs it has not started loses none: the
// running one is retried, the held ones go back to the queue, and every job of the
// list ends done exactly once.
func TestAutoWindowWorkerKilledLosesNoJob(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ev := watch(t, c)
	// sleep 0 is tiny: 300 of them open the window, and the 2 s sleep after them is
	// sent with many of the zeros behind it.
	var list []int64
	for i := 0; i < 300; i++ {
		list = append(list, 0)
	}
	list = append(list, 2000)
	for i := 0; i < 300; i++ {
		list = append(list, 0)
	}
	info, err := c.Submit("sleep", list, cluster.BatchOptions{Timeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	victim := c.Workers()[0].ID
	waitFor(t, "the long sleep running", func() bool {
		b, err := c.Batch(info.ID)
		return err == nil && b.Jobs[300].State == cluster.JobRunning
	})
	peak := cluster.WindowPeaks(c)[victim]
	if peak < 2 {
		t.Fatalf("window before the long sleep: %d, want more than 1", peak)
	}
	held := c.Pool().Queue
	w, err := c.Worker(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitBatch(ctxT(t), info.ID)
	if err != nil || got.Summary.Done != len(list) {
		t.Fatalf("list ended %v: %+v (queue when killed: %+v)", err, got.Summary, held)
	}
	if j := got.Jobs[300]; j.Attempts != 2 {
		t.Errorf("the long sleep: %+v, want it run twice (killed, then retried)", j)
	}
	drain(ev)
	ends := map[int64]int{}
	for _, e := range ev.got {
		if e.Batch == info.ID && (e.Type == cluster.EventJobDone || e.Type == cluster.EventJobFailed) {
			ends[e.Job]++
		}
	}
	for id, n := range ends {
		if n != 1 {
			t.Errorf("job %d ended %d times", id, n)
		}
	}
	if len(ends) != len(list) {
		t.Errorf("%d jobs reported ended, want %d", len(ends), len(list))
	}
}
