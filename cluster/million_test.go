package cluster_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestMillionJobListMemory runs a 1,000,000-job list of fib 1 and checks the
// primary's peak RSS stays under 500 MB. The race detector multiplies memory, so
// make test runs it in a second pass without -race.
func TestMillionJobListMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("memory figures are meaningless under -race; make test runs this without it")
	}
	c := startPool(t, cluster.Options{Workers: 2, Jobs: cluster.JobOptions{Prefetch: 256}})
	// Start the peak from here, so tests that ran before in this process don't count
	// (writing 5 to clear_refs resets VmHWM, Linux 4.0+; if it fails, the peak is the
	// process's, which is only more strict).
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	inputs := make([]int64, 1_000_000)
	for i := range inputs {
		inputs[i] = 1
	}
	b, err := c.Submit("fib", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inputs = nil
	sub := c.Subscribe(1 << 16)
	defer sub.Close()
	got, err := c.WaitBatch(ctxT(t), b.ID)
	if err != nil || got.Summary.Done != 1_000_000 {
		t.Fatalf("list: %v %+v", err, got.Summary)
	}
	peak := peakRSS(t)
	t.Logf("1M jobs in %.0f ms (%.0f jobs/s), primary peak RSS %d MB",
		got.Summary.WallMS, 1e6/got.Summary.WallMS*1000, peak>>20)
	if peak > 500<<20 {
		t.Fatalf("peak RSS %d MB, want under 500 MB", peak>>20)
	}
}

// peakRSS reads VmHWM, the process's peak resident set, from /proc.
func peakRSS(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
