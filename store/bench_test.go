package store_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/store"
)

// BenchmarkStoreTinyJobs runs b.N tiny jobs (fib 1, lists of up to 100k) on 2
// workers memory-only and then with the store, taking turns in the same run, and
// reports both rates, their ratio, and the database's bytes per 1M such jobs. With
// the store, a list counts once its end is durable (batch.done, then Flush).
func BenchmarkStoreTinyJobs(b *testing.B) {
	var mem, disk float64
	var bytes int64
	for range b.N {
		mem += tinyRate(b, nil, 200_000)
		dir := b.TempDir()
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		disk += tinyRate(b, st, 200_000)
		st.Close()
		bytes += dirBytes(dir)
	}
	b.ReportMetric(mem/float64(b.N), "memory-jobs/s")
	b.ReportMetric(disk/float64(b.N), "sqlite-jobs/s")
	b.ReportMetric(disk/mem, "sqlite-vs-memory")
	b.ReportMetric(float64(bytes)/float64(b.N)/200_000*1e6, "disk-B-per-1M-jobs")
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// readyPool starts a 2-worker pool keeping history in st (none when nil) and
// waits until its workers are ready; the caller closes it.
func readyPool(b *testing.B, st *store.Store) *cluster.Cluster {
	opts := cluster.Options{Workers: 2, Output: io.Discard, Logger: quiet()}
	if st != nil { // a nil *Store in the interface would not be "no store"
		opts.Store = st
	}
	c, err := cluster.Start(opts)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		c.Close(context.Background())
		b.Fatal(err)
	}
	return c
}

// tinyRate runs n fib-1 jobs on a fresh 2-worker pool and returns jobs/s.
func tinyRate(b *testing.B, st *store.Store, n int) float64 {
	c := readyPool(b, st)
	defer c.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	chunk := make([]int64, min(n, 100_000))
	for i := range chunk {
		chunk[i] = 1
	}
	t0 := time.Now()
	var ids []string
	for left := n; left > 0; left -= len(chunk) {
		info, err := c.Submit("fib", chunk[:min(left, len(chunk))], cluster.BatchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, info.ID)
	}
	for _, id := range ids {
		if got, _ := c.WaitBatchJobs(ctx, id, 0, 0); got.Summary.Done != got.Summary.Total {
			b.Fatalf("list %s: %+v", id, got.Summary)
		}
	}
	return float64(n) / time.Since(t0).Seconds()
}

func dirBytes(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// BenchmarkStoreStartup measures what a primary with 1M finished jobs of history
// (10 lists of 100k) pays at start: Open (migrations, checks) and Begin (the run
// recorded, the lists to resume found).
func BenchmarkStoreStartup(b *testing.B) {
	dir := b.TempDir()
	fillHistory(b, dir, 10, 100_000)
	b.ResetTimer()
	var total time.Duration
	for i := range b.N {
		t0 := time.Now()
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := st.Begin(cluster.RunInfo{ID: "bench-" + string(rune('a'+i%26)) + time.Now().Format("150405.000000"), Started: time.Now()})
		total += time.Since(t0)
		if err != nil || len(res.Lists) != 0 || res.NextJob != 1_000_001 {
			b.Fatalf("begin: %v, %d lists, next %d", err, len(res.Lists), res.NextJob)
		}
		st.Close()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "startup-ms")
	b.ReportMetric(float64(dirBytes(dir)), "db-bytes")
}

// fillHistory writes lists finished lists of n done jobs each, as a pool would.
func fillHistory(b *testing.B, dir string, lists, n int) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	in := make([]json.RawMessage, n)
	for i := range in {
		in[i] = json.RawMessage("1")
	}
	now := time.Now()
	for l := range lists {
		id := "fill-" + string(rune('a'+l))
		first := int64(l*n + 1)
		st.Record(cluster.Change{Type: cluster.ChangeList, List: id, Kind: "fib", Created: now, FirstJob: first, Inputs: in})
		for j := range int64(n) {
			f := now.Add(time.Millisecond)
			st.Record(cluster.Change{Type: cluster.ChangeEnd, List: id, Job: first + j, State: cluster.JobDone,
				Result: json.RawMessage("1"), Attempts: 1, Try: cluster.Try{Worker: 1, PID: 2, StartedAt: now,
					FinishedAt: &f, DurationMS: 0.01, Outcome: cluster.TryDone}})
		}
		st.Record(cluster.Change{Type: cluster.ChangeListEnd, List: id, ListState: cluster.BatchDone, Finished: now,
			Summary: &cluster.BatchSummary{Total: n, Done: n}})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := st.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}
