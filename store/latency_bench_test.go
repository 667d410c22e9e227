package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/store"
)

// BenchmarkStoreEventLatency measures how long a job takes from its Submit to its
// job.done event at a subscriber, on a memory-only pool and on one with the store,
// taking turns (one 1-job fib-1 list at a time, latencySamples per pool per
// iteration), and reports each p50 and p99: events are not held back for the disk,
// so the two should match within noise.
func BenchmarkStoreEventLatency(b *testing.B) {
	mem := latencyPool(b, nil)
	st, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	disk := latencyPool(b, st)
	var memLat, diskLat []time.Duration
	for range b.N {
		for range latencySamples {
			memLat = append(memLat, jobToEvent(b, mem))
			diskLat = append(diskLat, jobToEvent(b, disk))
		}
	}
	for _, c := range []struct {
		name string
		d    []time.Duration
	}{{"memory", memLat}, {"sqlite", diskLat}} {
		slices.Sort(c.d)
		b.ReportMetric(ms(c.d[len(c.d)/2]), c.name+"-event-p50-ms")
		b.ReportMetric(ms(c.d[len(c.d)*99/100]), c.name+"-event-p99-ms")
	}
}

const latencySamples = 300

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// latencyPool starts a ready 2-worker pool, closed with the benchmark.
func latencyPool(b *testing.B, st *store.Store) *cluster.Cluster {
	c := readyPool(b, st)
	b.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// jobToEvent submits one tiny job and waits for its job.done event.
func jobToEvent(b *testing.B, c *cluster.Cluster) time.Duration {
	sub := c.Subscribe(1024)
	defer sub.Close()
	t0 := time.Now()
	if _, err := c.Submit("fib", []int64{1}, cluster.BatchOptions{}); err != nil {
		b.Fatal(err)
	}
	deadline := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				b.Fatalf("subscription closed: %v", sub.Err())
			}
			if ev.Type == cluster.EventJobDone {
				return time.Since(t0)
			}
		case <-deadline:
			b.Fatal("no job.done within a minute")
		}
	}
}
