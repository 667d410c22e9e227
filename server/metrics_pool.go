package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gocluster/gocluster/cluster"
)

// poolCollector reads the pool's state at each scrape: one cluster.Pool snapshot
// gives every gauge, so they agree with each other and are never stale.
type poolCollector struct {
	c *cluster.Cluster
}

// Descriptions of the scraped metrics. They are built per call: descriptors are
// cheap, and the package keeps no mutable globals.
func poolDescs() (workers, size, degraded, restarts, queue, events *prometheus.Desc) {
	return prometheus.NewDesc("gocluster_workers", "Live workers by state.", []string{"state"}, nil),
		prometheus.NewDesc("gocluster_pool_size", "Desired pool size.", nil, nil),
		prometheus.NewDesc("gocluster_pool_degraded", "1 when a slot is degraded by a crash loop.", nil, nil),
		prometheus.NewDesc("gocluster_worker_restarts_total", "Workers restarted (crash or rolling restart).", nil, nil),
		prometheus.NewDesc("gocluster_queue_jobs", "Jobs waiting for a worker (pending) and on a worker (running).",
			[]string{"state"}, nil),
		prometheus.NewDesc("gocluster_events_published_total", "Events the pool published (the latest seq).", nil, nil)
}

// Describe sends the descriptors of every metric Collect sends.
func (pc poolCollector) Describe(ch chan<- *prometheus.Desc) {
	workers, size, degraded, restarts, queue, events := poolDescs()
	for _, d := range []*prometheus.Desc{workers, size, degraded, restarts, queue, events} {
		ch <- d
	}
}

// Collect takes one snapshot and sends every metric of it. Every worker state is
// sent, zeros included, so dashboards see a series that drops to 0.
func (pc poolCollector) Collect(ch chan<- prometheus.Metric) {
	p := pc.c.Pool()
	workers, size, degraded, restarts, queue, events := poolDescs()
	count := map[cluster.WorkerState]int{}
	for _, w := range p.Workers {
		count[w.State]++
	}
	for _, st := range []cluster.WorkerState{cluster.StateStarting, cluster.StateIdle, cluster.StateBusy, cluster.StateStopping} {
		ch <- prometheus.MustNewConstMetric(workers, prometheus.GaugeValue, float64(count[st]), string(st))
	}
	ch <- prometheus.MustNewConstMetric(size, prometheus.GaugeValue, float64(p.Size))
	ch <- prometheus.MustNewConstMetric(degraded, prometheus.GaugeValue, boolFloat(p.Degraded))
	ch <- prometheus.MustNewConstMetric(restarts, prometheus.CounterValue, float64(p.Restarts))
	ch <- prometheus.MustNewConstMetric(queue, prometheus.GaugeValue, float64(p.Queue.Pending), "pending")
	ch <- prometheus.MustNewConstMetric(queue, prometheus.GaugeValue, float64(p.Queue.Running), "running")
	ch <- prometheus.MustNewConstMetric(events, prometheus.CounterValue, float64(p.LastSeq))
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
