package server

import (
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestSpeedupIsMeasured is the lesson's own check: a pool of twice as many workers
// as CPUs never shows a speedup above what one worker measured allows. The figure is
// the one-worker wall time over this wall time, not summed job time (parallelism),
// which counts the workers taking turns on a CPU as if they were working at once.
func TestSpeedupIsMeasured(t *testing.T) {
	cpus := runtime.NumCPU()
	a := newAPIServer(t, cluster.Options{Workers: 2 * cpus}, Config{})
	inputs := `[35,35,35,35,35,35,35,35]`
	var many batchJSON
	a.json(http.MethodPost, "/api/batches?wait=120s", `{"kind":"fib","inputs":`+inputs+`}`).want(t, http.StatusCreated, &many)
	if many.State != cluster.BatchDone || many.Summary.Speedup != nil || many.Summary.Workers != 2*cpus || many.Summary.CPUs != cpus {
		t.Fatalf("before a baseline: %+v", many.Summary)
	}
	// On cpus CPUs no list of CPU-bound jobs runs more than cpus times faster; a
	// margin for the busy shared machine. A load spike during the one-worker run
	// slows it and flatters the figure (3.76 was seen under two CPU hogs while other
	// packages' tests ran), so up to three baselines are taken; the latest counts.
	var s cluster.BatchSummary
	for try := 1; ; try++ {
		var one batchJSON
		a.json(http.MethodPost, "/api/batches/"+many.ID+"/baseline", "").want(t, http.StatusCreated, &one)
		a.get("/api/batches/"+one.ID+"?wait=120s").want(t, http.StatusOK, &one)
		if one.State != cluster.BatchDone || one.Summary.Workers != 1 || one.Summary.Speedup == nil {
			t.Fatalf("one-worker run: %+v", one.Summary)
		}
		checkSerial(t, one)
		a.get("/api/batches/"+many.ID).want(t, http.StatusOK, &many)
		s = many.Summary
		if s.Speedup == nil || s.BaselineMS == nil || *s.BaselineMS != one.Summary.WallMS {
			t.Fatalf("after the baseline: %+v (baseline wall %.0f ms)", s, one.Summary.WallMS)
		}
		if want := *s.BaselineMS / s.WallMS; math.Abs(*s.Speedup-want) > 0.001 {
			t.Fatalf("speedup %.3f, baseline ÷ wall %.3f", *s.Speedup, want)
		}
		if *s.Speedup <= float64(cpus)*1.25 || try == 3 {
			break
		}
		t.Logf("baseline %d: speedup %.2f over the bound; measuring again", try, *s.Speedup)
	}
	// The bound holds only on an otherwise idle machine: beside other busy processes
	// the kernel shares the CPUs per process, so 4 workers get more of them than 1
	// worker did (2.94 was measured, three times over, beside two CPU hogs). The
	// figure is still checked to be baseline ÷ wall above; the bound only when the
	// load average says the machine was not shared.
	if *s.Speedup > float64(cpus)*1.25 {
		if load := loadAverage(t); load < float64(cpus) {
			t.Fatalf("speedup %.2f on %d CPUs at load %.1f: more than one worker's measurement allows",
				*s.Speedup, cpus, load)
		} else {
			t.Logf("speedup %.2f over the bound at load %.1f on %d CPUs: the machine is shared, bound not checked",
				*s.Speedup, load, cpus)
		}
	}
	t.Logf("%d workers on %d CPUs: wall %.0f ms, 1 worker %.0f ms, speedup %.2f, parallelism %.2f",
		s.Workers, s.CPUs, s.WallMS, *s.BaselineMS, *s.Speedup, s.Parallelism)
}

// checkSerial fails if two jobs of b overlapped in time: the list was bounded to one worker.
func checkSerial(t *testing.T, b batchJSON) {
	t.Helper()
	for i := 1; i < len(b.Jobs); i++ {
		prev, j := b.Jobs[i-1], b.Jobs[i]
		if j.StartedAt == nil || prev.FinishedAt == nil || j.StartedAt.Before(*prev.FinishedAt) {
			t.Fatalf("job %d started before job %d ended: %s", j.ID, prev.ID, fmt.Sprint(b.Jobs))
		}
	}
}

func TestBaselineOfUnknownList(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	a.json(http.MethodPost, "/api/batches/nope/baseline", "").wantError(t, http.StatusNotFound, "not_found")
}

// loadAverage is the 1-minute load average of /proc/loadavg.
func loadAverage(t *testing.T) float64 {
	t.Helper()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		t.Fatal(err)
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err != nil {
		t.Fatalf("parse /proc/loadavg %q: %v", b, err)
	}
	return load
}
