package cluster_test

import (
	"errors"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestMaxQueuedBytes: lists count against MaxQueuedBytes until they end; a canceled
// list gives its room back.
func TestMaxQueuedBytes(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, Jobs: cluster.JobOptions{MaxQueuedBytes: 16 << 10}})
	var first string
	for i := range 100 {
		info, err := c.Submit("sleep", []int64{1}, cluster.BatchOptions{})
		if errors.Is(err, cluster.ErrQueueFull) {
			if i == 0 {
				t.Fatal("the first list was refused")
			}
			if _, err := c.Cancel(first); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Submit("sleep", []int64{1}, cluster.BatchOptions{}); err != nil {
				t.Fatalf("after a cancel: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = info.ID
		}
	}
	t.Fatal("100 lists queued within 16 KiB")
}

// TestListOverMaxQueuedBytesIsInvalid: a list that alone needs more than
// MaxQueuedBytes can never be queued, so it is ErrInvalid (400), not ErrQueueFull
// (429 "try again"), which had a script retry it forever on an empty queue.
func TestListOverMaxQueuedBytesIsInvalid(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, Jobs: cluster.JobOptions{MaxQueuedBytes: 16 << 10}})
	_, err := c.Submit("sleep", make([]int64, 1000), cluster.BatchOptions{})
	if !errors.Is(err, cluster.ErrInvalid) || errors.Is(err, cluster.ErrQueueFull) {
		t.Fatalf("a list over the limit on an empty queue: %v, want ErrInvalid and not ErrQueueFull", err)
	}
	if _, err := c.Submit("sleep", []int64{1}, cluster.BatchOptions{}); err != nil {
		t.Fatalf("a small list after it: %v", err)
	}
}
