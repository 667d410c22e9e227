package server

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestMetricsPerWorkerGauges: each live worker has its gauges, labelled by id, with
// real readings; a worker that exited loses its series.
func TestMetricsPerWorkerGauges(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	ws := a.pool().Workers
	m := a.scrape()
	for _, w := range ws {
		l := fmt.Sprintf(`{worker="%d"}`, w.ID)
		if m["gocluster_worker_rss_bytes"+l] <= 0 {
			t.Errorf("worker %d: rss %v, want > 0", w.ID, m["gocluster_worker_rss_bytes"+l])
		}
		for _, name := range []string{"gocluster_worker_cpu_percent", "gocluster_worker_restarts", "gocluster_worker_uptime_seconds"} {
			if _, ok := m[name+l]; !ok {
				t.Errorf("/metrics lacks %s%s", name, l)
			}
		}
		if v := m[fmt.Sprintf(`gocluster_worker_state{state="idle",worker="%d"}`, w.ID)]; v != 1 {
			t.Errorf("worker %d: idle state gauge %v, want 1", w.ID, v)
		}
	}
	if _, ok := m["gocluster_log_lines_dropped_total"]; !ok {
		t.Error("/metrics lacks gocluster_log_lines_dropped_total")
	}
	gone := ws[0].ID
	a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/kill", gone), `{"signal":"SIGKILL"}`).want(t, http.StatusAccepted, nil)
	waitFor(t, "the killed worker's series to go", func() bool {
		_, ok := a.scrape()[fmt.Sprintf(`gocluster_worker_rss_bytes{worker="%d"}`, gone)]
		return !ok
	})
}
