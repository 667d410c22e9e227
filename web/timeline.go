package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// MinBarPercent is the narrowest a job's bar is drawn, so a 1 ms job still shows.
const MinBarPercent = 0.4

// TimelineView is the geometry of a job list's timeline: one lane per worker that ran
// a job of the list, one bar per started job, placed in percent of the axis, which
// runs from the list's creation to its end (or to now while it runs). Percentages go
// straight into SVG x and width attributes, which a strict CSP allows where style=""
// is refused.
type TimelineView struct {
	SpanMS float64 // length of the axis in milliseconds
	Lanes  []Lane  // by worker id
	Ticks  []Tick  // axis marks, from 0
}

// Lane is one worker's row of the timeline.
type Lane struct {
	Worker int
	PID    int
	Bars   []Bar // by start time
}

// Bar is one job on the timeline.
type Bar struct {
	Job     int64
	Input   json.RawMessage
	State   string
	StartMS float64 // from the list's creation
	EndMS   float64
	X       float64 // left edge, percent of the axis
	W       float64 // width, percent of the axis
	Label   string  // "job 7 fib(42): done, 1.2 s"
	// Text is written on the bar when it is wide enough: "fib(42)", or for an
	// attempt whose worker was killed "fib(42) ✕ SIGKILL".
	Text string
}

// LostAttempt is a job's attempt that ended with its worker: the job went back to the
// queue (or was canceled), and the timeline keeps the attempt, red, ending in how the
// worker died, so a retry's later start is explained.
type LostAttempt struct {
	Job    int64
	Input  json.RawMessage
	Worker int
	PID    int
	Start  time.Time
	End    time.Time
	Signal string // "SIGKILL", or "exit code 1"
}

// minTextPercent is the narrowest bar that gets its text written on it.
const minTextPercent = 7

// Tick is one mark on the time axis.
type Tick struct {
	X     float64 // percent of the axis
	Label string  // "1.5 s"
}

// BuildTimeline lays out jobs of the given kind on an axis that starts at created and
// ends at end (the list's finish, or now while it runs), with the lost attempts of
// those jobs. Jobs not yet started have no bar; running jobs end at end. The axis
// stretches to cover the latest bar.
func BuildTimeline(kind string, created, end time.Time, jobs []JobRow, lost ...LostAttempt) TimelineView {
	ms := func(t time.Time) float64 { return float64(t.Sub(created)) / float64(time.Millisecond) }
	endMS := ms(end)
	lanes := map[int]*Lane{}
	span := max(endMS, 1)
	lane := func(worker, pid int) *Lane {
		if lanes[worker] == nil {
			lanes[worker] = &Lane{Worker: worker, PID: pid}
		}
		return lanes[worker]
	}
	for _, a := range lost {
		b := Bar{Job: a.Job, Input: a.Input, State: "killed", StartMS: max(ms(a.Start), 0), EndMS: max(ms(a.End), 0)}
		b.EndMS = max(b.EndMS, b.StartMS)
		b.Label = fmt.Sprintf("job %d %s: its worker died (%s) after %s; the job was tried again", a.Job,
			JobLabel(kind, a.Input), a.Signal, HumanMS(b.EndMS-b.StartMS))
		b.Text = JobLabel(kind, a.Input) + " ✕ " + a.Signal
		span = max(span, b.EndMS)
		l := lane(a.Worker, a.PID)
		l.Bars = append(l.Bars, b)
	}
	for _, j := range jobs {
		// A job queued again after a lost attempt keeps that attempt's worker and
		// start, but it has no attempt now: its lost one is drawn above, in red.
		if j.Worker == 0 || j.StartedAt.IsZero() || j.State == "queued" {
			continue
		}
		b := Bar{Job: j.ID, Input: j.Input, State: j.State, StartMS: max(ms(j.StartedAt), 0)}
		b.EndMS = endMS
		if !j.FinishedAt.IsZero() {
			b.EndMS = ms(j.FinishedAt)
		}
		b.EndMS = max(b.EndMS, b.StartMS)
		b.Label = fmt.Sprintf("job %d %s: %s, %s", j.ID, JobLabel(kind, j.Input), j.State, HumanMS(b.EndMS-b.StartMS))
		b.Text = JobLabel(kind, j.Input)
		span = max(span, b.EndMS)
		l := lane(j.Worker, j.PID)
		l.Bars = append(l.Bars, b)
	}
	tl := TimelineView{SpanMS: span, Ticks: Ticks(span)}
	for _, l := range lanes {
		for i := range l.Bars {
			b := &l.Bars[i]
			b.X, b.W = place(b.StartMS, b.EndMS, span)
			if b.W < minTextPercent {
				b.Text = ""
			}
		}
		slices.SortFunc(l.Bars, func(a, b Bar) int {
			return cmp.Or(cmp.Compare(a.StartMS, b.StartMS), cmp.Compare(a.Job, b.Job))
		})
		tl.Lanes = append(tl.Lanes, *l)
	}
	slices.SortFunc(tl.Lanes, func(a, b Lane) int { return cmp.Compare(a.Worker, b.Worker) })
	return tl
}

// place converts a bar's start and end into x and width in percent of span, keeping
// it at least MinBarPercent wide and inside the axis.
func place(start, end, span float64) (x, w float64) {
	x = start * 100 / span
	w = max((end-start)*100/span, MinBarPercent)
	x = min(x, 100-MinBarPercent)
	w = min(w, 100-x)
	return x, w
}

// Ticks chooses axis marks for a span in milliseconds: a step of 1, 2 or 5 times a
// power of ten giving at most six marks, from 0 up to the span.
func Ticks(spanMS float64) []Tick {
	if spanMS <= 0 {
		return nil
	}
	step := NiceStep(spanMS / 5)
	var ticks []Tick
	for t := 0.0; t <= spanMS+step/1e6; t += step {
		label := HumanMS(t)
		if t == 0 {
			label = "0"
		}
		ticks = append(ticks, Tick{X: min(t*100/spanMS, 100), Label: label})
	}
	return ticks
}

// NiceStep rounds raw up to 1, 2 or 5 times a power of ten.
func NiceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// PageTimeline is the timeline of a list's page of jobs and their lost attempts, up
// to now while the list runs.
func PageTimeline(v BatchPageView) TimelineView {
	return BuildTimeline(v.Batch.Kind, v.Batch.CreatedAt, timelineEnd(v), v.Jobs, v.Lost...)
}
