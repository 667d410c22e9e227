package server

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// scrape fetches /metrics and returns each sample line's value by its name and
// labels as written, e.g. `gocluster_workers{state="idle"}`.
func (a *apiServer) scrape() map[string]float64 {
	a.t.Helper()
	rp := a.get("/metrics")
	if rp.status != http.StatusOK || !strings.HasPrefix(rp.header.Get("Content-Type"), "text/plain") {
		a.t.Fatalf("GET /metrics: %d %s", rp.status, rp.header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(rp.body)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			a.t.Fatalf("bad sample %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

func TestMetricsNamesAndGauges(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	m := a.scrape()
	for _, name := range []string{
		`gocluster_workers{state="idle"}`, `gocluster_workers{state="busy"}`,
		`gocluster_workers{state="starting"}`, `gocluster_workers{state="stopping"}`,
		"gocluster_pool_size", "gocluster_pool_degraded", "gocluster_worker_restarts_total",
		`gocluster_queue_jobs{state="pending"}`, `gocluster_queue_jobs{state="running"}`,
		"gocluster_events_published_total", "gocluster_websocket_clients",
		"gocluster_metrics_resubscribes_total", "gocluster_metrics_event_gaps_total",
		"gocluster_job_duration_seconds_count", "go_goroutines", "process_open_fds",
	} {
		if _, ok := m[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if m[`gocluster_workers{state="idle"}`] != 2 || m["gocluster_pool_size"] != 2 {
		t.Fatalf("gauges: idle %v, size %v", m[`gocluster_workers{state="idle"}`], m["gocluster_pool_size"])
	}
	if m["gocluster_events_published_total"] != float64(a.s.c.LastSeq()) {
		t.Fatalf("events published %v, last seq %d", m["gocluster_events_published_total"], a.s.c.LastSeq())
	}
	a.s.metrics.wsConnected()
	a.s.metrics.wsConnected()
	a.s.metrics.wsDisconnected()
	if got := a.scrape()["gocluster_websocket_clients"]; got != 1 {
		t.Fatalf("websocket clients %v, want 1", got)
	}
}

// TestMetricsCountEvents: exits by reason, jobs by final state and durations come
// from the event stream.
func TestMetricsCountEvents(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	a.json(http.MethodPost, "/api/batches?wait=60s", `{"kind":"fib","inputs":[20,21,22]}`).want(t, http.StatusCreated, nil)
	a.json(http.MethodPost, "/api/batches?wait=60s", `{"kind":"crash","inputs":[3]}`).want(t, http.StatusCreated, nil)
	var b batchJSON
	a.json(http.MethodPost, "/api/batches", `{"kind":"sleep","inputs":[60000,60000,60000]}`).want(t, http.StatusCreated, &b)
	a.do(http.MethodDelete, "/api/batches/"+b.ID, "", "").want(t, http.StatusOK, nil)
	waitFor(t, "the canceled job's worker replaced", func() bool {
		p := a.pool()
		return len(p.Workers) == 2 && p.Workers[0].State == cluster.StateIdle && p.Workers[1].State == cluster.StateIdle
	})
	id := a.pool().Workers[0].ID
	a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/kill", id), `{"signal":"SIGKILL"}`).want(t, http.StatusAccepted, nil)
	waitFor(t, "the killed worker replaced", func() bool {
		p := a.pool()
		return len(p.Workers) == 2 && p.Workers[0].ID != id && p.Workers[0].State == cluster.StateIdle &&
			p.Workers[1].State == cluster.StateIdle
	})
	// Only now: a scale-down racing the kill could retire the dying worker, and
	// its exit would count as intentional.
	a.json(http.MethodPut, "/api/pool", `{"size":1}`).want(t, http.StatusOK, nil)

	var m map[string]float64
	defer func() {
		if t.Failed() {
			for k, v := range m {
				if strings.HasPrefix(k, "gocluster_") && !strings.Contains(k, "bucket") {
					t.Logf("%s %v", k, v)
				}
			}
		}
	}()
	waitFor(t, "the counters", func() bool {
		m = a.scrape()
		return m[`gocluster_jobs_total{state="done"}`] == 3 &&
			m[`gocluster_jobs_total{state="failed"}`] == 1 &&
			m[`gocluster_jobs_total{state="canceled"}`] == 3 &&
			m[`gocluster_batches_total{state="done"}`] == 2 &&
			m[`gocluster_batches_total{state="canceled"}`] == 1 &&
			m["gocluster_job_duration_seconds_count"] == 3 &&
			m[`gocluster_worker_exits_total{reason="exit_code"}`] >= 1 &&
			m[`gocluster_worker_exits_total{reason="signal"}`] >= 1 &&
			m[`gocluster_worker_exits_total{reason="intentional"}`] == 1
	})
}
