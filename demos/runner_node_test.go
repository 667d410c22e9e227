package demos

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestRunnerNodeReplay: the panel's Node replay runs on a pool of its own, one at a
// time, keeps its transcript and ends stalled; Close ends one that waits.
func TestRunnerNodeReplay(t *testing.T) {
	d := newTestRunner(t, cluster.Options{Workers: -1, MaxWorkers: 4})
	if st := d.NodeStatus(); st.Ran || st.Running || len(st.Lines) != 0 {
		t.Fatalf("before a replay: %+v", st)
	}
	tm := DefaultTimings()
	tm.NodeStall = 200 * time.Millisecond
	d.SetTimings(tm)
	st, err := d.StartNodeFib([]int64{20, 18, 18, 19})
	if err != nil || !st.Running || st.NumCPUs != 2 || st.Report.Sent != 2 || st.Report.Jobs != 4 {
		t.Fatalf("StartNodeFib: %+v, %v", st, err)
	}
	if _, err := d.StartNodeFib(nil); !errors.Is(err, ErrBusy) {
		t.Errorf("a second replay while one runs: %v, want ErrBusy", err)
	}
	waitUntil(t, "the replay to end", func() bool { st = d.NodeStatus(); return !st.Running })
	if !st.Report.Stalled || st.Report.Banners != 3 || st.Error != "" ||
		!strings.Contains(st.String(), "Node would hang here forever") {
		t.Fatalf("after the replay: %+v\n%s", st.Report, st)
	}
	tm.NodeStall = 5 * time.Minute // Close must not wait for it
	d.SetTimings(tm)
	if _, err := d.StartNodeFib([]int64{10, 11, 12}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the replay to stall", func() bool { return strings.Contains(d.NodeStatus().String(), "waiting for the results") })
	start := time.Now()
	d.Close()
	if took := time.Since(start); took > 2*time.Minute || d.NodeStatus().Running {
		t.Fatalf("Close took %s, replay running %v", took, d.NodeStatus().Running)
	}
}

// TestRunnerNodeReplayRefusals: bad inputs and a pool with no room for the
// replay's workers are refused before anything starts.
func TestRunnerNodeReplayRefusals(t *testing.T) {
	d := newTestRunner(t, cluster.Options{Workers: 1, MaxWorkers: 2})
	if _, err := d.StartNodeFib([]int64{51}); !errors.Is(err, cluster.ErrInvalid) {
		t.Errorf("fib(51): %v, want ErrInvalid", err)
	}
	_, err := d.StartNodeFib(nil)
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "-max-workers 2") {
		t.Errorf("2 workers beside 1 under -max-workers 2: %v, want ErrBusy naming the limit", err)
	}
	if d.NodeStatus().Ran {
		t.Error("a refused replay is reported as run")
	}
}
