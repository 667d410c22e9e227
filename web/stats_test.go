package web

import (
	"math"
	"testing"
)

func TestCountWorkers(t *testing.T) {
	ws := []WorkerView{{State: "starting"}, {State: "idle"}, {State: "busy"}, {State: "busy"}, {State: "stopping"}, {State: "dead"}}
	got := CountWorkers(ws)
	want := WorkerCounts{Online: 4, Busy: 2, Idle: 1, Starting: 1}
	if got != want {
		t.Errorf("CountWorkers = %+v, want %+v", got, want)
	}
}

func TestProgressSegments(t *testing.T) {
	segs := ProgressSegments(SummaryView{Total: 8, Done: 4, Failed: 1, Canceled: 1, Running: 1, Queued: 1})
	want := []Segment{{"done", 0, 50}, {"failed", 50, 12.5}, {"canceled", 62.5, 12.5}, {"running", 75, 12.5}}
	if len(segs) != len(want) {
		t.Fatalf("got %d segments", len(segs))
	}
	for i := range want {
		if segs[i].Name != want[i].Name || math.Abs(segs[i].X-want[i].X) > 1e-9 || math.Abs(segs[i].W-want[i].W) > 1e-9 {
			t.Errorf("segment %d = %+v, want %+v", i, segs[i], want[i])
		}
	}
}

func TestProgressSegmentsEmptyAndOverfull(t *testing.T) {
	for _, s := range ProgressSegments(SummaryView{}) {
		if s.X != 0 || s.W != 0 {
			t.Errorf("empty summary: %+v", s)
		}
	}
	// Counts that disagree with the total never draw past 100%.
	segs := ProgressSegments(SummaryView{Total: 2, Done: 2, Failed: 2, Running: -1})
	last := segs[len(segs)-1]
	if last.X+last.W > 100+1e-9 {
		t.Errorf("overfull bar ends at %v", last.X+last.W)
	}
}

func TestProgressLabel(t *testing.T) {
	got := ProgressLabel(SummaryView{Total: 4, Done: 3, Failed: 1})
	if want := "3 of 4 done, 1 failed, 0 canceled, 0 running, 0 queued"; got != want {
		t.Errorf("ProgressLabel = %q, want %q", got, want)
	}
}
