package cluster_test

import (
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// A list canceled while its jobs wait prefetched on a busy worker never starts them:
// each ends once, canceled; the queue counts stay true; and the worker, which would
// go on to run the canceled frames, is replaced so the next list is not held behind
// minutes of canceled sleep.
func TestCancelPrefetchedJobs(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Jobs: cluster.JobOptions{Prefetch: 4}})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ev := watch(t, c)
	first := c.Workers()[0].ID

	a, err := c.Submit("sleep", []int64{3000}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "list A running", func() bool { return c.Pool().Queue.Running == 1 })
	b, err := c.Submit("sleep", []int64{60000, 60000, 60000}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cancel(b.ID); err != nil {
		t.Fatal(err)
	}
	gotB, _ := c.WaitBatch(ctxT(t), b.ID)
	if gotB.State != cluster.BatchCanceled || gotB.Summary.Canceled != 3 {
		t.Fatalf("list B after cancel: %s %+v", gotB.State, gotB.Summary)
	}
	gotA, _ := c.WaitBatch(ctxT(t), a.ID)
	if gotA.State != cluster.BatchDone || gotA.Summary.Done != 1 {
		t.Fatalf("list A: %s %+v", gotA.State, gotA.Summary)
	}
	waitFor(t, "the worker replaced", func() bool {
		ws := c.Workers()
		return len(ws) == 1 && ws[0].ID != first && ws[0].State == cluster.StateIdle
	})
	if q := c.Pool().Queue; q.Pending != 0 || q.Running != 0 {
		t.Fatalf("queue after cancel: %+v", q)
	}
	// The next list runs now, not after the canceled sleeps.
	next, err := c.Submit("fib", []int64{10}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.WaitBatch(ctxT(t), next.ID); got.State != cluster.BatchDone || string(got.Jobs[0].Result) != "55" {
		t.Fatalf("next list: %s %+v", got.State, got.Jobs)
	}
	drain(ev)
	for _, e := range ev.got {
		if e.Batch == b.ID && e.Type == cluster.EventJobStarted {
			t.Errorf("a canceled job of list B started: %+v", e)
		}
	}
}
