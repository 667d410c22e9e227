package web

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"
)

// job builds a JobRow that ran on worker from start to end seconds after t0; end < 0
// means still running.
func job(id int64, worker int, start, end float64) JobRow {
	j := JobRow{ID: id, Input: json.RawMessage(strconv.FormatInt(40+id, 10)), State: "done", Worker: worker, PID: 1000 + worker,
		StartedAt: t0.Add(sec(start))}
	if end < 0 {
		j.State = "running"
	} else {
		j.FinishedAt = t0.Add(sec(end))
	}
	return j
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestBuildTimelineLanesAndBars(t *testing.T) {
	jobs := []JobRow{
		job(1, 2, 0, 4), job(2, 1, 1, 3), job(3, 2, 5, 10), job(4, 1, 3, 6),
		{ID: 5, State: "queued"}, // not started: no bar
	}
	tl := BuildTimeline("fib", t0, t0.Add(sec(10)), jobs)
	if tl.SpanMS != 10_000 {
		t.Errorf("SpanMS = %v, want 10000", tl.SpanMS)
	}
	if len(tl.Lanes) != 2 || tl.Lanes[0].Worker != 1 || tl.Lanes[1].Worker != 2 {
		t.Fatalf("lanes = %+v, want workers 1 and 2", tl.Lanes)
	}
	if tl.Lanes[0].PID != 1001 {
		t.Errorf("lane pid = %d", tl.Lanes[0].PID)
	}
	w1 := tl.Lanes[0].Bars
	if len(w1) != 2 || w1[0].Job != 2 || w1[1].Job != 4 {
		t.Fatalf("worker 1 bars = %+v", w1)
	}
	if !near(w1[0].X, 10) || !near(w1[0].W, 20) {
		t.Errorf("job 2 at x=%v w=%v, want 10, 20", w1[0].X, w1[0].W)
	}
	if w1[0].Label != "job 2 fib(42): done, 2.0 s" {
		t.Errorf("label = %q", w1[0].Label)
	}
}

func TestBuildTimelineRunningJobEndsAtEnd(t *testing.T) {
	tl := BuildTimeline("sleep", t0, t0.Add(sec(4)), []JobRow{job(1, 1, 1, -1)})
	b := tl.Lanes[0].Bars[0]
	if !near(b.X, 25) || !near(b.W, 75) {
		t.Errorf("running bar x=%v w=%v, want 25, 75", b.X, b.W)
	}
}

func TestBuildTimelineStretchesToLatestBar(t *testing.T) {
	// The end passed in is earlier than a finish (clock skew): the axis covers it.
	tl := BuildTimeline("fib", t0, t0.Add(sec(1)), []JobRow{job(1, 1, 0, 2)})
	if tl.SpanMS != 2000 {
		t.Errorf("SpanMS = %v, want 2000", tl.SpanMS)
	}
	if b := tl.Lanes[0].Bars[0]; !near(b.W, 100) {
		t.Errorf("bar width %v, want 100", b.W)
	}
}

func TestBuildTimelineEmpty(t *testing.T) {
	tl := BuildTimeline("fib", t0, t0, nil)
	if len(tl.Lanes) != 0 || tl.SpanMS != 1 {
		t.Errorf("empty timeline = %+v", tl)
	}
}

func TestPlaceKeepsBarsVisibleAndInside(t *testing.T) {
	for _, c := range []struct{ start, end, span, x, w float64 }{
		{0, 0, 1000, 0, MinBarPercent},
		{1000, 1000, 1000, 100 - MinBarPercent, MinBarPercent},
		{500, 2000, 1000, 50, 50},
		{-10, 10, 100, -10, 20}, // BuildTimeline never passes a negative start
	} {
		x, w := place(c.start, c.end, c.span)
		if !near(x, c.x) || !near(w, c.w) {
			t.Errorf("place(%v, %v, %v) = %v, %v; want %v, %v", c.start, c.end, c.span, x, w, c.x, c.w)
		}
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ raw, want float64 }{
		{0, 1}, {1, 1}, {1.5, 2}, {3, 5}, {7, 10}, {200, 200}, {2001, 5000}, {0.03, 0.05},
	} {
		if got := NiceStep(c.raw); !near(got, c.want) {
			t.Errorf("NiceStep(%v) = %v, want %v", c.raw, got, c.want)
		}
	}
}

func TestTicks(t *testing.T) {
	ticks := Ticks(10_000)
	if len(ticks) != 6 {
		t.Fatalf("got %d ticks: %+v", len(ticks), ticks)
	}
	if ticks[0].Label != "0" || ticks[1].Label != "2.0 s" || !near(ticks[5].X, 100) {
		t.Errorf("ticks = %+v", ticks)
	}
	if Ticks(0) != nil {
		t.Error("Ticks(0) is not empty")
	}
	if n := len(Ticks(1234)); n < 2 || n > 7 {
		t.Errorf("Ticks(1234) has %d ticks", n)
	}
}
