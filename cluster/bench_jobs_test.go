package cluster_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/schedule"
)

// BenchmarkTinyJobs measures jobs per second through the whole path: Submit of a
// list of b.N `fib 1` jobs (several lists beyond tinyListMax), the queue, dispatch with a prefetch of 128, the workers,
// results, and the event stream, up to the list's batch.done event as a subscriber
// (the panel, say) receives it.
func BenchmarkTinyJobs(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) { benchTinyJobs(b, n) })
	}
}

func benchTinyJobs(b *testing.B, n int) {
	c := readyPool(b, cluster.Options{Workers: n, Jobs: cluster.JobOptions{Prefetch: 128}})
	sub := c.Subscribe(1 << 16)
	defer sub.Close()
	chunk := make([]int64, min(b.N, tinyListMax))
	for i := range chunk {
		chunk[i] = 1
	}
	b.ResetTimer()
	t0 := time.Now()
	lists := map[string]bool{}
	for left := b.N; left > 0; left -= len(chunk) {
		info, err := c.Submit("fib", chunk[:min(left, len(chunk))], cluster.BatchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		lists[info.ID] = true
	}
	done := 0
	for range lists {
		ev := nextEvent(b, sub, func(ev cluster.Event) bool { return ev.Type == cluster.EventBatchDone && lists[ev.Batch] })
		done += ev.Summary.Done
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	if done != b.N {
		b.Fatalf("%d of %d jobs done", done, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
}

// tinyListMax keeps each list within the default JobOptions.MaxPerBatch when go
// test asks for more jobs than one list may hold.
const tinyListMax = 1_000_000

// BenchmarkFibReference runs the notes' list `fib 44 42 42 43` on two workers with
// the default settings (the adaptive prefetch, which must stay at 1 for such jobs), and compares its wall time with the best schedule of
// the jobs' own measured durations on two workers (schedule.Best),
// then with the same list on one worker. It takes about 15 s per iteration.
func BenchmarkFibReference(b *testing.B) {
	list := []int64{44, 42, 42, 43}
	for i := 0; i < b.N; i++ {
		wall2, durs := runList(b, 2, list)
		best := schedule.Best(durs, 2)
		fifo := schedule.FirstFree(durs, 2)
		wall1, _ := runList(b, 1, list)
		b.ReportMetric(wall2, "wall-2w-ms")
		b.ReportMetric(best, "best-2w-ms")
		b.ReportMetric((wall2/best-1)*100, "overhead-%")
		b.ReportMetric(fifo, "fifo-2w-ms")
		b.ReportMetric((wall2/fifo-1)*100, "dispatch-%")
		b.ReportMetric(wall1, "wall-1w-ms")
		b.ReportMetric(wall1/wall2, "speedup")
	}
}

// runList runs one list on a fresh pool of n workers and returns its wall time and
// each job's duration as measured by its worker, in milliseconds.
func runList(b *testing.B, n int, list []int64) (wallMS float64, durs []float64) {
	b.Helper()
	c := readyPool(b, cluster.Options{Workers: n})
	defer c.Close(context.Background())
	info, err := c.Submit("fib", list, cluster.BatchOptions{Timeout: 10 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	got, err := c.WaitBatch(ctx, info.ID)
	if err != nil || got.Summary.Done != len(list) {
		b.Fatalf("list ended %v with %+v", err, got.Summary)
	}
	for _, j := range got.Jobs {
		durs = append(durs, j.DurationMS)
	}
	return got.Summary.WallMS, durs
}
