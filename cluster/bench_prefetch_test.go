package cluster_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

func init() {
	helpers["tinyjson"] = func() int {
		r := jobs.Builtin()
		if err := r.RegisterJSON(jobs.JSONKind{Name: "tiny", Doc: `answers {"r": n}`, Run: tinyJSON}); err != nil {
			panic(err)
		}
		return serveRegistry(r)
	}
}

// tinyJSON is the Go side of the benchmarks' tiny JSON job: {"n":1} in, {"r":1} out.
func tinyJSON(_ context.Context, in json.RawMessage) (any, error) {
	var v struct {
		N int `json:"n"`
	}
	if err := json.Unmarshal(in, &v); err != nil {
		return nil, err
	}
	return struct {
		R int `json:"r"`
	}{v.N}, nil
}

// BenchmarkPrefetch compares, on 2 workers, the default adaptive prefetch with the
// fixed -prefetch 1 and -prefetch 128 on lists of 100,000 `fib 1` jobs submitted
// with Submit (no HTTP), then measures tiny JSON jobs ({"n":1} in, {"r":1} out) with
// the default through a Go worker and through the Python SDK's worker. The machine
// is shared, so the three settings alternate, round after round, each on a fresh
// pool, and the figures are medians of the rounds; the ratios are the comparison
// that load bends least.
func BenchmarkPrefetch(b *testing.B) {
	const rounds, tiny = 3, 100_000
	fib1 := make([]json.RawMessage, tiny)
	for i := range fib1 {
		fib1[i] = json.RawMessage("1")
	}
	settings := []struct {
		name     string
		prefetch int
	}{{"auto", 0}, {"p1", 1}, {"p128", 128}}
	rates := map[string][]float64{}
	for i := 0; i < b.N; i++ {
		for r := 0; r < rounds; r++ {
			for _, s := range settings {
				c := readyPool(b, cluster.Options{Workers: 2, Jobs: cluster.JobOptions{Prefetch: s.prefetch}})
				rates[s.name] = append(rates[s.name], listRate(b, c, "fib", fib1))
				closePool(b, c)
			}
		}
	}
	auto, p1, p128 := median(rates["auto"]), median(rates["p1"]), median(rates["p128"])
	b.ReportMetric(auto, "auto-jobs/s")
	b.ReportMetric(p1, "p1-jobs/s")
	b.ReportMetric(p128, "p128-jobs/s")
	b.ReportMetric(auto/p128, "auto-vs-p128")
	b.ReportMetric(auto/p1, "auto-vs-p1")

	in := make([]json.RawMessage, tiny)
	for i := range in {
		in[i] = json.RawMessage(`{"n":1}`)
	}
	c := readyPool(b, cluster.Options{Workers: 2, Env: helperEnv("tinyjson")})
	b.ReportMetric(listRate(b, c, "tiny", in), "go-json-jobs/s")
	closePool(b, c)

	if _, err := exec.LookPath("python3"); err != nil {
		b.Log("python3 is not installed: no Python row")
		return
	}
	sdk, err := filepath.Abs("../sdk/python")
	if err != nil {
		b.Fatal(err)
	}
	c = readyPool(b, cluster.Options{Workers: 2, Exec: "python3", Args: []string{"testdata/tinyjson.py"},
		Env: []string{"PYTHONPATH=" + sdk}})
	b.ReportMetric(listRate(b, c, "tiny", in[:20_000]), "py-json-jobs/s")
	closePool(b, c)
}

// listRate runs one list and returns its jobs per second, from Submit to its end.
func listRate(b *testing.B, c *cluster.Cluster, kind string, in []json.RawMessage) float64 {
	b.Helper()
	t0 := time.Now()
	info, err := c.SubmitJSON(kind, in, cluster.BatchOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	got, err := c.WaitBatch(ctx, info.ID)
	elapsed := time.Since(t0)
	if err != nil || got.Summary.Done != len(in) {
		b.Fatalf("%s list ended %v: %+v", kind, err, got.Summary)
	}
	return float64(len(in)) / elapsed.Seconds()
}

func closePool(b *testing.B, c *cluster.Cluster) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Close(ctx); err != nil {
		b.Errorf("close: %v", err)
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
