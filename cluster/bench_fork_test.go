package cluster_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkForkOnline measures the time from Scale(n) to the online event of the
// last of n workers (the fork, exec and handshake of the real worker binary), for one
// worker and for eight at once. The pool is scaled back to zero between rounds,
// outside the timer.
func BenchmarkForkOnline(b *testing.B) {
	for _, n := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) { benchForkOnline(b, n) })
	}
}

func benchForkOnline(b *testing.B, n int) {
	c := benchPool(b, cluster.Options{Workers: -1, MaxWorkers: 16})
	sub := c.Subscribe(4096)
	defer sub.Close()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := c.Scale(n); err != nil {
			b.Fatal(err)
		}
		var last cluster.Event
		for k := 0; k < n; k++ {
			last = nextEvent(b, sub, isType(cluster.EventOnline))
		}
		lat = append(lat, last.Time.Sub(t0))
		b.StopTimer()
		if err := c.Scale(0); err != nil {
			b.Fatal(err)
		}
		for k := 0; k < n; k++ {
			nextEvent(b, sub, isType(cluster.EventExit))
		}
		b.StartTimer()
	}
	name := "fork-online-ms"
	if n > 1 {
		name = fmt.Sprintf("all%d-online-ms", n)
	}
	b.ReportMetric(ms(quantile(lat, 0.5)), name)
}

// BenchmarkKillReplace measures the time from Worker.Kill(SIGKILL) to the online
// event of the replacement: reaping, the exit event, the fork and the handshake.
func BenchmarkKillReplace(b *testing.B) {
	c := readyPool(b, cluster.Options{Workers: 1})
	sub := c.Subscribe(4096)
	defer sub.Close()
	id := c.Workers()[0].ID
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := c.Worker(id)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if err := w.Kill(syscall.SIGKILL); err != nil {
			b.Fatal(err)
		}
		ev := nextEvent(b, sub, func(ev cluster.Event) bool { return ev.Type == cluster.EventOnline && ev.Worker > id })
		lat = append(lat, ev.Time.Sub(t0))
		id = ev.Worker
	}
	b.ReportMetric(ms(quantile(lat, 0.5)), "kill-online-ms")
}
