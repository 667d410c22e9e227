package cluster_test

import (
	"context"
	"io"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// The benchmarks in bench_*_test.go measure the figures of `make bench` with real
// worker processes (this test binary, re-executed) on 127.0.0.1 only. Each one is
// bounded in time; its figures are reported with b.ReportMetric so that
// cmd/gocluster-bench can take medians over repeated runs. Targets live in that
// runner and in docs/performance.md, never in tests.

func init() {
	helpers["rawecho"] = rawEchoChild
	helpers["hello"] = helloWorker
	helpers["hellonotify"] = helloNotifyWorker
	helpers["plainhttp"] = plainHTTPChild
	helpers["whoami"] = whoamiWorker
	helpers["primaryrss"] = primaryRSSChild
	helpers["idle"] = idleWorker
}

// benchPool starts a pool for a benchmark, silent, and closes it at the end.
func benchPool(b *testing.B, opts cluster.Options) *cluster.Cluster {
	b.Helper()
	opts.Silent = true
	opts.Output = io.Discard
	c, err := cluster.Start(opts)
	if err != nil {
		b.Fatalf("start: %v", err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := c.Close(ctx); err != nil {
			b.Errorf("close: %v", err)
		}
	})
	return c
}

// readyPool is benchPool followed by WaitReady.
func readyPool(b *testing.B, opts cluster.Options) *cluster.Cluster {
	b.Helper()
	c := benchPool(b, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		b.Fatalf("wait ready: %v", err)
	}
	return c
}

// nextEvent returns the next event matching match, failing the benchmark after a
// generous deadline or if the subscription was dropped.
func nextEvent(b *testing.B, sub *cluster.Subscription, match func(cluster.Event) bool) cluster.Event {
	b.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				b.Fatalf("subscription ended: %v", sub.Err())
			}
			if match(ev) {
				return ev
			}
		case <-deadline.C:
			b.Fatal("timed out waiting for an event")
		}
	}
}

func isType(typ string) func(cluster.Event) bool {
	return func(ev cluster.Event) bool { return ev.Type == typ }
}

// quantile returns the q-quantile (0..1) of ds, nearest rank; ds is sorted in place.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := int(q*float64(len(ds))+0.5) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
func us(d time.Duration) float64 { return float64(d) / 1e3 }

// idleWorker joins and waits to be told to leave, doing nothing else: the smallest
// possible member of a pool, for memory figures.
func idleWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	<-m.Disconnected()
	m.Close()
	return 0
}

// childEnv marks a process the benchmark starts outside any pool as a helper: TestMain
// runs helpers only when GOCLUSTER_WORKER_ID is set, so it is set (to 0, which no
// pool uses) and the helper never joins.
func childEnv(helper string) []string {
	return append(os.Environ(), cluster.EnvWorkerID+"=0", envHelper+"="+helper, "GOMAXPROCS=")
}
