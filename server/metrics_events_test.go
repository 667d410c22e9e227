package server

import (
	"errors"
	"testing"

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

// dropped returns a subscription the pool dropped for slowness, and the seq of
// the last event it delivered.
func dropped(t *testing.T, c *cluster.Cluster, events int) (*cluster.Subscription, uint64) {
	t.Helper()
	last := c.LastSeq()
	sub := c.Subscribe(1)
	for i := range events {
		if err := c.Scale(1 + i%2); err != nil {
			t.Fatal(err)
		}
	}
	var seen uint64 = last
	for ev := range sub.C {
		seen = ev.Seq
	}
	if !errors.Is(sub.Err(), cluster.ErrSlowSubscriber) {
		t.Fatalf("subscription ended with %v, want ErrSlowSubscriber", sub.Err())
	}
	return sub, seen
}

// TestMetricsResubscribeReplaysTheRing: a dropped consumer catches up from the ring,
// so nothing is lost and no gap is counted.
func TestMetricsResubscribeReplaysTheRing(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	m := newRegistry()
	old, last := dropped(t, c, 3)
	sub, next := m.resubscribe(c, old, last)
	defer sub.Close()
	if sub == nil || next <= last {
		t.Fatalf("resubscribe: %v, last %d -> %d", sub, last, next)
	}
	if counterValue(t, m.resubs) != 1 || counterValue(t, m.gaps) != 0 {
		t.Fatalf("resubs %v, gaps %v", counterValue(t, m.resubs), counterValue(t, m.gaps))
	}
}

// TestMetricsResubscribeCountsAGap: when the ring has moved past what the consumer
// saw, it starts afresh and counts the gap.
func TestMetricsResubscribeCountsAGap(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, EventHistory: 4})
	m := newRegistry()
	old, last := dropped(t, c, 6)
	sub, _ := m.resubscribe(c, old, last)
	defer sub.Close()
	if sub == nil || counterValue(t, m.gaps) != 1 {
		t.Fatalf("sub %v, gaps %v", sub, counterValue(t, m.gaps))
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
