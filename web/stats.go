package web

import "fmt"

// WorkerCounts counts workers by what they are doing, for the pool's big numbers.
type WorkerCounts struct {
	Online   int // handshake done and not yet dead: idle, busy or stopping
	Busy     int
	Idle     int
	Starting int
}

// CountWorkers sums the workers' states.
func CountWorkers(ws []WorkerView) WorkerCounts {
	var c WorkerCounts
	for _, w := range ws {
		switch w.State {
		case "starting":
			c.Starting++
		case "idle":
			c.Idle++
			c.Online++
		case "busy":
			c.Busy++
			c.Online++
		case "stopping":
			c.Online++
		}
	}
	return c
}

// Segment is one coloured part of a progress bar, in percent of its width.
type Segment struct {
	Name string  // done, failed, canceled or running; used as data-seg
	X    float64 // left edge, 0..100
	W    float64 // width, 0..100
}

// ProgressSegments lays out a job list's progress bar: done, then failed, canceled
// and running jobs, side by side, each as wide as its share of the total. Queued jobs
// are the empty rest. It always returns the four segments, in that order, so the
// browser can update them in place.
func ProgressSegments(s SummaryView) []Segment {
	names := []string{"done", "failed", "canceled", "running"}
	counts := []int{s.Done, s.Failed, s.Canceled, s.Running}
	segs := make([]Segment, len(names))
	x := 0.0
	for i, n := range counts {
		w := 0.0
		if s.Total > 0 {
			w = min(float64(max(n, 0))*100/float64(s.Total), 100-x)
		}
		segs[i] = Segment{Name: names[i], X: x, W: w}
		x += w
	}
	return segs
}

// ProgressLabel says in words what a progress bar shows, for its aria-label and the
// counts line: "3 of 4 done, 1 failed, 0 canceled, 0 running, 0 queued".
func ProgressLabel(s SummaryView) string {
	return fmt.Sprintf("%d of %d done, %d failed, %d canceled, %d running, %d queued",
		s.Done, s.Total, s.Failed, s.Canceled, s.Running, s.Queued)
}
