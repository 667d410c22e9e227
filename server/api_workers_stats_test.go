package server

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestWorkersReportMemoryAndCPU reads real workers' /proc figures through the API:
// every live worker has a resident set, in /api/workers, /api/pool and
// /api/workers/{id}, and a worker busy with a long fib job shows CPU use. CPU% is
// the change since the previous reading, so it is polled until it shows.
func TestWorkersReportMemoryAndCPU(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	var list []cluster.WorkerInfo
	a.get("/api/workers").want(t, http.StatusOK, &list)
	if len(list) != 2 {
		t.Fatalf("GET /api/workers: %+v", list)
	}
	for _, w := range list {
		if w.RSSBytes <= 0 {
			t.Errorf("GET /api/workers: worker %d (pid %d) rss_bytes %d", w.ID, w.PID, w.RSSBytes)
		}
		var one cluster.WorkerInfo
		a.get(fmt.Sprintf("/api/workers/%d", w.ID)).want(t, http.StatusOK, &one)
		if one.ID != w.ID || one.RSSBytes <= 0 {
			t.Errorf("GET /api/workers/%d: rss_bytes %d", w.ID, one.RSSBytes)
		}
	}
	for _, w := range a.pool().Workers {
		if w.RSSBytes <= 0 {
			t.Errorf("GET /api/pool: worker %d rss_bytes %d", w.ID, w.RSSBytes)
		}
	}

	// fib 50 runs for minutes; the test's cleanup cancels it.
	submitList(t, a.c, "fib", 50)
	var busy cluster.WorkerInfo
	waitFor(t, "the busy worker's cpu_percent above 0", func() bool {
		a.get("/api/workers").want(t, http.StatusOK, &list)
		for _, w := range list {
			if w.State == cluster.StateBusy && w.CPUPercent > 0 {
				busy = w
				return true
			}
		}
		return false
	})
	waitFor(t, "the busy worker's cpu_percent above 0 in /api/workers/{id}", func() bool {
		var one cluster.WorkerInfo
		a.get(fmt.Sprintf("/api/workers/%d", busy.ID)).want(t, http.StatusOK, &one)
		return one.CPUPercent > 0
	})
	t.Logf("worker %d busy: %.1f%% CPU, %d bytes resident", busy.ID, busy.CPUPercent, busy.RSSBytes)
}
