package cluster_test

import (
	"testing"

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
		if j.Result == nil || *j.Result != want[i] {
			t.Errorf("fib(%d) = %v, want %d", j.Input, j.Result, want[i])
		}
		if j.Attempts != 1 || j.Worker == 0 || j.PID == 0 {
			t.Errorf("job %d: attempts %d worker %d pid %d", j.ID, j.Attempts, j.Worker, j.PID)
		}
	}
}
