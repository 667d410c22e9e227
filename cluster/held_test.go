package cluster_test

import (
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestWorkersBoundsAList: a list with Workers 1 runs one job at a time on a pool of
// two, and as a baseline gives the same list run on both workers its measured
// speedup; the list on two workers has none until then.
func TestWorkersBoundsAList(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	// Both workers ready first: a list that ran on one worker alone (the second not
	// yet started, on a loaded machine) is its own one-worker baseline.
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	inputs := []int64{100, 100, 100, 100}
	two := submitWait(t, c, "sleep", inputs, cluster.BatchOptions{})
	if two.Summary.Speedup != nil || two.Summary.Workers != 2 {
		t.Fatalf("before a baseline: %+v", two.Summary)
	}
	one := submitWait(t, c, "sleep", inputs, cluster.BatchOptions{Workers: 1})
	for i := 1; i < len(one.Jobs); i++ {
		if one.Jobs[i].StartedAt.Before(*one.Jobs[i-1].FinishedAt) {
			t.Fatalf("job %d started before job %d ended", one.Jobs[i].ID, one.Jobs[i-1].ID)
		}
	}
	got, err := c.Batch(two.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := got.Summary
	if one.Summary.Workers != 1 || s.Speedup == nil || *s.BaselineMS != one.Summary.WallMS {
		t.Fatalf("one worker %+v; two workers after it %+v", one.Summary, s)
	}
	t.Logf("sleep ×4 on 2 workers: speedup %.2f, parallelism %.2f", *s.Speedup, s.Parallelism)
}

// TestCancelAHeldList: canceling a bounded list cancels the jobs it still held back.
func TestCancelAHeldList(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	b, err := c.Submit("sleep", []int64{60000, 60000, 60000}, cluster.BatchOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Cancel(b.ID)
	if err != nil || got.State != cluster.BatchCanceled || got.Summary.Canceled != 3 {
		t.Fatalf("after cancel: %+v, %v", got, err)
	}
	if _, err := c.Submit("sleep", []int64{1}, cluster.BatchOptions{Workers: -1}); err == nil {
		t.Error("Workers -1 accepted")
	}
}
