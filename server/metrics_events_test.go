package server

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/gocluster/gocluster/cluster"
)

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// countBehind follows c for m with a one-event buffer, as follow does, with a
// count that stalls on the first event until events more have been published (so
// the pool drops the follower after the second), then follows until the counter
// reached the pool.
func countBehind(t *testing.T, m *metrics, c *cluster.Cluster, events int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	entered, release := make(chan struct{}), make(chan struct{})
	var seen atomic.Uint64
	first := true
	done := make(chan error, 1)
	since := c.LastSeq()
	go func() {
		done <- c.Follow(ctx, since, m.followOptions(1), func(ev cluster.Event) error {
			if first {
				first = false
				close(entered)
				<-release
			}
			seen.Store(ev.Seq)
			return m.count(ev)
		})
	}()
	scale(t, c, 1)
	<-entered
	scale(t, c, events)
	close(release)
	deadline := time.Now().Add(time.Minute)
	for seen.Load() < c.LastSeq() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || seen.Load() < c.LastSeq() {
		t.Fatalf("follow ended with %v at seq %d, pool at %d", err, seen.Load(), c.LastSeq())
	}
}

// TestMetricsResubscribeReplaysTheRing: a dropped counter catches up from the ring,
// so nothing is lost and no gap is counted.
func TestMetricsResubscribeReplaysTheRing(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	m := newRegistry()
	countBehind(t, m, c, 3)
	if counterValue(t, m.resubs) != 1 || counterValue(t, m.gaps) != 0 {
		t.Fatalf("resubs %v, gaps %v; want 1, 0", counterValue(t, m.resubs), counterValue(t, m.gaps))
	}
}

// TestMetricsResubscribeCountsAGap: when the ring has moved past what the counter
// saw, it goes on from there and counts the gap.
func TestMetricsResubscribeCountsAGap(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, EventHistory: 4})
	m := newRegistry()
	countBehind(t, m, c, 8)
	if counterValue(t, m.resubs) != 1 || counterValue(t, m.gaps) != 1 {
		t.Fatalf("resubs %v, gaps %v; want 1, 1", counterValue(t, m.resubs), counterValue(t, m.gaps))
	}
}

// TestMetricsStopsWithThePool: the consumer ends by itself when the pool closes,
// and close still works after that.
func TestMetricsStopsWithThePool(t *testing.T) {
	c, err := cluster.Start(cluster.Options{Workers: -1})
	if err != nil {
		t.Fatal(err)
	}
	m := newMetrics(c)
	c.Close(t.Context())
	<-m.done
	m.close()
	m.close()
}

func TestExitReason(t *testing.T) {
	yes, no, code := true, false, 1
	for _, c := range []struct {
		ev   cluster.Event
		want string
	}{
		{cluster.Event{Intentional: &yes, Signal: "SIGKILL"}, "intentional"},
		{cluster.Event{Intentional: &no, Signal: "SIGKILL"}, "signal"},
		{cluster.Event{Intentional: &no, Code: &code}, "exit_code"},
	} {
		if got := exitReason(c.ev); got != c.want {
			t.Errorf("%+v: %q, want %q", c.ev, got, c.want)
		}
	}
}
