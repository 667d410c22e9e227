package web

import (
	"fmt"
	"net/url"
)

// The speedup a lesson is about is measured: the same list on one worker, divided
// by this list's wall time. These helpers say what to show beside it so a class can
// judge it: the ideal, the list's own best and a warning when workers exceed CPUs.

// MeasuredSpeedup writes the measured speedup, or says it is not measured yet.
func MeasuredSpeedup(s SummaryView) string {
	if s.Speedup == nil {
		return "not measured"
	}
	return Speedup(*s.Speedup)
}

// IdealSpeedup is min(workers, CPUs, jobs): more of any one of them cannot help.
func IdealSpeedup(s SummaryView) int {
	n := s.Total
	if s.Workers > 0 {
		n = min(n, s.Workers)
	}
	if s.CPUs > 0 {
		n = min(n, s.CPUs)
	}
	return n
}

// BestSpeedup is what this list's own job sizes allow on IdealSpeedup workers: the
// summed job time over the longest of the longest job and an even share of the work.
// 0 until jobs have ended.
func BestSpeedup(s SummaryView) float64 {
	ideal := IdealSpeedup(s)
	if s.WorkMS <= 0 || ideal == 0 {
		return 0
	}
	return s.WorkMS / max(s.MaxJobMS, s.WorkMS/float64(ideal))
}

// Oversubscribed says when a list ran with more workers than CPUs: they then take
// turns on the CPUs, and summed job time grows with no gain in wall time.
func Oversubscribed(s SummaryView) string {
	if s.CPUs == 0 || s.Workers <= s.CPUs {
		return ""
	}
	return fmt.Sprintf("%d workers on %d CPUs: the workers take turns, so each job takes longer and the list ends no sooner than on %d.", s.Workers, s.CPUs, s.CPUs)
}

// RanWith says what a list ran on: "4 workers · 2 CPUs".
func RanWith(s SummaryView) string {
	if s.Workers == 0 && s.CPUs == 0 {
		return "–"
	}
	return plural(s.Workers, "worker") + " · " + plural(s.CPUs, "CPU")
}

// BatchBaselineURL is the form action that reruns a list on one worker.
func BatchBaselineURL(id string) string {
	return "/ui/batches/" + url.PathEscape(id) + "/baseline"
}
