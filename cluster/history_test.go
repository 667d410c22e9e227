package cluster_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestHistoryIsBounded keeps at most History ended lists holding at most HistoryJobs
// jobs, forgetting the lists that ended first; a running list is never forgotten,
// however many lists came after it.
func TestHistoryIsBounded(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2, Jobs: cluster.JobOptions{History: 3, HistoryJobs: 10}})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ids := func() []string {
		var out []string
		for _, b := range c.Batches() {
			out = append(out, strings.TrimPrefix(b.ID, c.RunID()+"-")) // ids are "<run>-<n>"
		}
		return out
	}
	gone := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			if _, err := c.Batch(c.RunID() + "-" + id); !errors.Is(err, cluster.ErrNotFound) {
				t.Errorf("Batch(%s) = %v, want ErrNotFound: it should have been forgotten", id, err)
			}
		}
	}

	long, err := c.Submit("sleep", []int64{600000}, cluster.BatchOptions{}) // list 1
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Cancel(long.ID) })
	for i := range 5 { // lists 2..6, one job each
		submitWait(t, c, "fib", []int64{int64(i)}, cluster.BatchOptions{})
	}
	if got, want := ids(), []string{"6", "5", "4", "1"}; !slices.Equal(got, want) {
		t.Fatalf("lists kept %v, want %v: History 3 plus the running list", got, want)
	}
	gone("2", "3")
	if b, err := c.Batch(long.ID); err != nil || b.State != cluster.BatchRunning {
		t.Fatalf("running list: %v %+v", err, b)
	}

	// 9 jobs more: the list bound alone would forget list 4; the job bound (1+1+9 > 10)
	// forgets list 5 too.
	submitWait(t, c, "fib", make([]int64, 9), cluster.BatchOptions{}) // list 7
	if got, want := ids(), []string{"7", "6", "1"}; !slices.Equal(got, want) {
		t.Fatalf("lists kept %v, want %v: HistoryJobs 10", got, want)
	}
	gone("4", "5")

	// The long list ends last, so it is kept and its waiter gets it; list 6, which
	// ended first, is forgotten (1+9+1 jobs > 10).
	if _, err := c.Cancel(long.ID); err != nil {
		t.Fatal(err)
	}
	b, err := c.WaitBatch(ctxT(t), long.ID)
	if err != nil || b.State != cluster.BatchCanceled {
		t.Fatalf("the long list once ended: %v %+v", err, b)
	}
	if got, want := ids(), []string{"7", "1"}; !slices.Equal(got, want) {
		t.Fatalf("lists kept %v, want %v", got, want)
	}
	gone("6")
}
