package cluster_test

import (
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestBatchJobsPages: BatchJobs copies only the asked slice of a list's jobs, and
// the summary still counts them all.
func TestBatchJobsPages(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	info, err := c.Submit("sleep", make([]int64, 10), cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ offset, limit, want int }{
		{0, 3, 3}, {8, 5, 2}, {10, 5, 0}, {99, 1, 0}, {-1, 2, 2}, {2, 0, 0},
	} {
		got, err := c.BatchJobs(info.ID, tc.offset, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Jobs) != tc.want || got.Summary.Total != 10 {
			t.Fatalf("BatchJobs(%d, %d): %d jobs of %d; want %d of 10", tc.offset, tc.limit, len(got.Jobs), got.Summary.Total, tc.want)
		}
	}
	all, _ := c.Batch(info.ID)
	page, _ := c.BatchJobs(info.ID, 8, 5)
	if page.Jobs[0].ID != all.Jobs[8].ID {
		t.Fatalf("page at 8 starts with job %d; want %d", page.Jobs[0].ID, all.Jobs[8].ID)
	}
}
