package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
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
// the jobs' own measured durations on two workers (brute force over every split),
// then with the same list on one worker. It takes about 15 s per iteration.
func BenchmarkFibReference(b *testing.B) {
	list := []int64{44, 42, 42, 43}
	for i := 0; i < b.N; i++ {
		wall2, durs := runList(b, 2, list)
		best := bestMakespan(durs, 2)
		fifo := fifoMakespan(durs, 2)
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

// fifoMakespan is the wall time of jobs taking durs when each, in input order, goes
// to the machine that is free first: what a queue that cannot know durations in
// advance does at best. What the wall time exceeds it by is the pool's own cost
// (IPC, dispatch, start-up of the list); what it exceeds bestMakespan by also holds
// the bad luck of the order when the machine's load bends the jobs' durations.
func fifoMakespan(durs []float64, m int) float64 {
	free := make([]float64, m)
	for _, d := range durs {
		k := 0
		for i := range free {
			if free[i] < free[k] {
				k = i
			}
		}
		free[k] += d
	}
	return slices.Max(free)
}

// bestMakespan is the shortest possible wall time of jobs taking durs on m
// machines, by trying every assignment (fine for a handful of jobs).
func bestMakespan(durs []float64, m int) float64 {
	best := -1.0
	assign := make([]int, len(durs))
	var try func(i int)
	try = func(i int) {
		if i == len(durs) {
			load := make([]float64, m)
			for k, d := range durs {
				load[assign[k]] += d
			}
			span := 0.0
			for _, l := range load {
				span = max(span, l)
			}
			if best < 0 || span < best {
				best = span
			}
			return
		}
		for w := 0; w < m; w++ {
			assign[i] = w
			try(i + 1)
		}
	}
	try(0)
	return best
}

func TestBestMakespan(t *testing.T) {
	for _, tc := range []struct {
		durs []float64
		m    int
		want float64
	}{
		{[]float64{3400, 1300, 1300, 2100}, 2, 4700},
		{[]float64{5, 5, 4, 3, 3}, 2, 10},
		{[]float64{7}, 2, 7},
		{[]float64{1, 2, 3}, 1, 6},
	} {
		if got := bestMakespan(tc.durs, tc.m); got != tc.want {
			t.Errorf("bestMakespan(%v, %d) = %v, want %v", tc.durs, tc.m, got, tc.want)
		}
	}
}
