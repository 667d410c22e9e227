package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/internal/schedule"
)

// fibHosts are BenchmarkFleetFib's agents, one worker each.
var fibHosts = []string{"fib-a", "fib-b"}

// BenchmarkFleetFib is BenchmarkFibReference (cluster) across hosts: the notes'
// list `fib 44 42 42 43` on 2 agents × 1 worker over the embedded NATS server, the
// primary with -workers 0 (it runs no job itself), its wall time held against the
// best schedule of the jobs' own measured durations on 2 workers. It logs which
// host ran each job. About 10 s a run on a quiet 2-core machine.
func BenchmarkFleetFib(b *testing.B) {
	base, url := fleetForBench(b)
	for _, name := range fibHosts {
		agentForBench(b, url, name, 1)
	}
	waitOnlineCount(b, base, len(fibHosts))
	for i := 0; i < b.N; i++ {
		l := runFleetFib(b, base, []int{44, 42, 42, 43})
		durs := fibDurations(b, l)
		best, fifo := schedule.Best(durs, 2), schedule.FirstFree(durs, 2)
		b.ReportMetric(l.Summary.WallMS, "wall-ms")
		b.ReportMetric(best, "best-ms")
		b.ReportMetric((l.Summary.WallMS/best-1)*100, "overhead-%")
		b.ReportMetric(fifo, "fifo-ms")
		b.ReportMetric((l.Summary.WallMS/fifo-1)*100, "dispatch-%")
		b.Logf("wall %.1f ms, best %.1f ms; %s", l.Summary.WallMS, best, whereRan(l))
	}
}

// fibList is the part of a finished list BenchmarkFleetFib reads.
type fibList struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Summary struct {
		Done   int     `json:"done"`
		WallMS float64 `json:"wall_ms"`
	} `json:"summary"`
	Jobs []struct {
		Input      int     `json:"input"`
		State      string  `json:"state"`
		DurationMS float64 `json:"duration_ms"`
		Tries      []struct {
			Host       string  `json:"host"`
			Worker     int     `json:"worker"`
			DurationMS float64 `json:"duration_ms"`
		} `json:"tries"`
	} `json:"jobs"`
}

// runFleetFib submits a fib list, waits for its end, and reads it with every job.
func runFleetFib(b *testing.B, base string, inputs []int) fibList {
	in, _ := json.Marshal(inputs)
	body, code := benchRequest(b, http.MethodPost, base+"/api/batches?wait=300s",
		`{"kind":"fib","inputs":`+string(in)+`}`)
	var l fibList
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &l) != nil || l.State != "done" {
		b.Fatalf("fib list: %d %.500s", code, body)
	}
	body, code = benchRequest(b, http.MethodGet, base+"/api/batches/"+l.ID, "")
	if code != http.StatusOK || json.Unmarshal([]byte(body), &l) != nil || l.Summary.Done != len(inputs) ||
		len(l.Jobs) != len(inputs) {
		b.Fatalf("fib list %s: %d %.500s", l.ID, code, body)
	}
	return l
}

// fibDurations are the jobs' durations as their workers measured them. Every job
// must have run once, on an agent: a retry or a job on the primary would make the
// comparison with 2 workers meaningless.
func fibDurations(b *testing.B, l fibList) []float64 {
	var durs []float64
	for _, j := range l.Jobs {
		if j.State != "done" || len(j.Tries) != 1 || !slices.Contains(fibHosts, j.Tries[0].Host) {
			b.Fatalf("fib %d: state %s, tries %+v; want done once on one of %v", j.Input, j.State, j.Tries, fibHosts)
		}
		durs = append(durs, j.DurationMS)
	}
	return durs
}

// whereRan says which host ran each job, in list order: "fib 44 on fib-a (3402 ms), …".
func whereRan(l fibList) string {
	var s []string
	for _, j := range l.Jobs {
		s = append(s, fmt.Sprintf("fib %d on %s (%.0f ms)", j.Input, j.Tries[0].Host, j.DurationMS))
	}
	return strings.Join(s, ", ")
}
