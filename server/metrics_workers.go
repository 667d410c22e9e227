package server

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gocluster/gocluster/cluster"
)

// workerCollector sends per-worker gauges, labelled worker="ID", from one pool
// snapshot per scrape. The series of a worker that exited are simply not sent
// again, so they vanish from /metrics with it (no registry to clean up).
type workerCollector struct {
	c *cluster.Cluster
}

// workerDescs are the per-worker metrics' descriptors, built per call like poolDescs.
func workerDescs() (rss, cpu, restarts, uptime, state, logDropped *prometheus.Desc) {
	w := []string{"worker"}
	return prometheus.NewDesc("gocluster_worker_rss_bytes", "Resident memory of each live worker.", w, nil),
		prometheus.NewDesc("gocluster_worker_cpu_percent", "CPU use of each live worker since the previous reading (100 = one core).", w, nil),
		prometheus.NewDesc("gocluster_worker_restarts", "Restarts of each live worker's slot before it.", w, nil),
		prometheus.NewDesc("gocluster_worker_uptime_seconds", "Seconds since each live worker was forked.", w, nil),
		prometheus.NewDesc("gocluster_worker_state", "1 for each live worker's state (starting, idle, busy, stopping), 0 for the others.",
			[]string{"worker", "state"}, nil),
		prometheus.NewDesc("gocluster_log_lines_dropped_total", "Worker output lines that did not fit the coalesced worker.log events (they stay in /api/logs).", nil, nil)
}

func (wc workerCollector) Describe(ch chan<- *prometheus.Desc) {
	rss, cpu, restarts, uptime, state, logDropped := workerDescs()
	for _, d := range []*prometheus.Desc{rss, cpu, restarts, uptime, state, logDropped} {
		ch <- d
	}
}

func (wc workerCollector) Collect(ch chan<- prometheus.Metric) {
	rss, cpu, restarts, uptime, state, logDropped := workerDescs()
	now := time.Now()
	for _, w := range wc.c.Workers() {
		id := strconv.Itoa(w.ID)
		ch <- prometheus.MustNewConstMetric(rss, prometheus.GaugeValue, float64(w.RSSBytes), id)
		ch <- prometheus.MustNewConstMetric(cpu, prometheus.GaugeValue, w.CPUPercent, id)
		ch <- prometheus.MustNewConstMetric(restarts, prometheus.GaugeValue, float64(w.Restarts), id)
		ch <- prometheus.MustNewConstMetric(uptime, prometheus.GaugeValue, now.Sub(w.StartedAt).Seconds(), id)
		for _, st := range []cluster.WorkerState{cluster.StateStarting, cluster.StateIdle, cluster.StateBusy, cluster.StateStopping} {
			ch <- prometheus.MustNewConstMetric(state, prometheus.GaugeValue, boolFloat(w.State == st), id, string(st))
		}
	}
	if page, err := wc.c.Logs(cluster.LogQuery{Limit: 1}); err == nil {
		ch <- prometheus.MustNewConstMetric(logDropped, prometheus.CounterValue, float64(page.Dropped))
	}
}
