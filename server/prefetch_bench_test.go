package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkHTTPTinyJobs is the tiny-job case end to end: lists of 100,000
// `fib 1` jobs POSTed as text to /api/batches?kind=fib&wait=…, on 2 workers, from
// the request to the long poll's answer that the list is done. It compares the
// default prefetch (auto, adaptive) with a fixed -prefetch 1 and -prefetch 128: one
// pool and server each, started once, the three taking turns list by list for
// several rounds so the shared machine's load falls on all alike. Figures are
// medians of the rounds; the ratios are what load bends least.
func BenchmarkHTTPTinyJobs(b *testing.B) {
	const rounds, tiny = 5, 100_000
	body := strings.TrimSpace(strings.Repeat("1 ", tiny))
	settings := []struct {
		name     string
		prefetch int
	}{{"auto", 0}, {"p1", 1}, {"p128", 128}}
	servers := make([]*apiServer, len(settings))
	for i, s := range settings {
		servers[i] = newAPIServer(b, cluster.Options{Workers: 2, Jobs: cluster.JobOptions{Prefetch: s.prefetch}}, Config{})
	}
	rates := map[string][]float64{}
	for i := 0; i < b.N*rounds; i++ {
		for k, s := range settings {
			rates[s.name] = append(rates[s.name], httpListRate(b, servers[k], body, tiny))
		}
	}
	med := func(v []float64) float64 {
		v = slices.Clone(v)
		slices.Sort(v)
		return v[len(v)/2]
	}
	auto, p1, p128 := med(rates["auto"]), med(rates["p1"]), med(rates["p128"])
	b.ReportMetric(auto, "auto-jobs/s")
	b.ReportMetric(p1, "p1-jobs/s")
	b.ReportMetric(p128, "p128-jobs/s")
	b.ReportMetric(auto/p128, "auto-vs-p128")
	b.ReportMetric(auto/p1, "auto-vs-p1")
}

// httpListRate POSTs one list and waits for it to end, in one request; it returns
// the list's jobs per second over that request.
func httpListRate(b *testing.B, a *apiServer, body string, n int) float64 {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost, a.url+"/api/batches?kind=fib&wait=2m&jobs_limit=0", strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	t0 := time.Now()
	rp := a.send(req)
	elapsed := time.Since(t0)
	var got struct {
		State   string `json:"state"`
		Summary struct {
			Done int `json:"done"`
		} `json:"summary"`
	}
	if rp.status != http.StatusCreated && rp.status != http.StatusOK {
		b.Fatalf("status %d: %s", rp.status, rp.body)
	}
	if err := json.Unmarshal(rp.body, &got); err != nil || got.Summary.Done != n {
		b.Fatalf("list answer %v: state %q, %d of %d done: %.300s", err, got.State, got.Summary.Done, n, rp.body)
	}
	return float64(n) / elapsed.Seconds()
}
