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

// BenchmarkTinyJSON measures tiny JSON jobs ({"n":1} in, {"r":1} out) on 2 workers
// with the default settings (adaptive prefetch), Submit to the list's end: 100,000
// through Go workers (a jobs.JSONKind), then 20,000 through the Python SDK's worker
// (cluster/testdata/tinyjson.py, run with -exec's Options.Exec), if python3 is
// installed. The Go and Python figures differ by what a job costs in each language
// and its JSON library, not by the pool.
func BenchmarkTinyJSON(b *testing.B) {
	const tiny = 100_000
	in := make([]json.RawMessage, tiny)
	for i := range in {
		in[i] = json.RawMessage(`{"n":1}`)
	}
	var goRates, pyRates []float64
	for i := 0; i < b.N; i++ {
		c := readyPool(b, cluster.Options{Workers: 2, Env: helperEnv("tinyjson")})
		goRates = append(goRates, listRate(b, c, "tiny", in))
		closePool(b, c)
	}
	b.ReportMetric(median(goRates), "go-json-jobs/s")

	if _, err := exec.LookPath("python3"); err != nil {
		b.Log("python3 is not installed: no Python row")
		return
	}
	sdk, err := filepath.Abs("../sdk/python")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		c := readyPool(b, cluster.Options{Workers: 2, Exec: "python3", Args: []string{"testdata/tinyjson.py"},
			Env: []string{"PYTHONPATH=" + sdk}})
		pyRates = append(pyRates, listRate(b, c, "tiny", in[:20_000]))
		closePool(b, c)
	}
	b.ReportMetric(median(pyRates), "py-json-jobs/s")
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
