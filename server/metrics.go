package server

import (
	"context"
	"fmt"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gocluster/gocluster/cluster"
)

// metricsBuffer is the metrics consumer's subscription buffer. It only counts, so it
// keeps up easily; the buffer absorbs bursts such as a thousand job.done events.
const metricsBuffer = 4096

// metrics is one Server's Prometheus registry (never the global one, so two servers
// in one process, or in one test binary, do not collide).
//
// Two kinds of numbers are kept. Pool state (workers by state, size, queue, restarts,
// events published) is read from cluster.Pool at each scrape, so it is always exact.
// Things that happened (worker exits, finished jobs and lists, job durations) are
// counted from the event stream by one goroutine, follow. Jobs are counted
// by final state from the summary of each batch.done, one rule for small and large
// lists alike (large lists send no per-job events); the duration histogram can only
// see job.done events, so it covers lists of at most JobOptions.PerJobEvents jobs.
//
// The pool never waits for a subscriber: if the consumer falls behind it is dropped,
// and cluster.Follow resubscribes from the last seq it saw, replaying the missed
// events from the pool's ring. Only if the ring no longer holds them are events lost; then
// gocluster_metrics_event_gaps_total grows and the event counters undercount by what
// happened in the gap. The scraped gauges are never affected.
type metrics struct {
	reg        *prometheus.Registry
	exits      *prometheus.CounterVec
	jobs       *prometheus.CounterVec
	batches    *prometheus.CounterVec
	jobSeconds prometheus.Histogram
	wsClients  prometheus.Gauge
	resubs     prometheus.Counter
	gaps       prometheus.Counter

	stop context.CancelFunc // ends follow
	done chan struct{}      // closed when follow returned
}

// newMetrics builds the registry and starts the event consumer; close stops it.
func newMetrics(c *cluster.Cluster) *metrics {
	m := newRegistry()
	m.reg.MustRegister(poolCollector{c: c})
	ctx, cancel := context.WithCancel(context.Background())
	m.stop = cancel
	go m.follow(ctx, c, c.LastSeq(), metricsBuffer)
	return m
}

// newRegistry creates the metrics and registers all but the pool collector.
func newRegistry() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		exits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gocluster_worker_exits_total",
			Help: "Worker exits by reason: exit_code (it exited by itself), signal (killed), intentional (asked to stop)."},
			[]string{"reason"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gocluster_jobs_total",
			Help: "Jobs by final state, counted when their list ends."}, []string{"state"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gocluster_batches_total",
			Help: "Job lists that ended, by final state."}, []string{"state"}),
		jobSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "gocluster_job_duration_seconds",
			Help:    "Run time of done jobs (lists small enough for per-job events).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}}),
		wsClients: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gocluster_websocket_clients",
			Help: "Connected WebSocket clients."}),
		resubs: prometheus.NewCounter(prometheus.CounterOpts{Name: "gocluster_metrics_resubscribes_total",
			Help: "Times the metrics consumer fell behind the pool and resubscribed."}),
		gaps: prometheus.NewCounter(prometheus.CounterOpts{Name: "gocluster_metrics_event_gaps_total",
			Help: "Times the metrics consumer lost events the pool no longer kept; event counters undercount."}),
		done: make(chan struct{}),
	}
	m.reg.MustRegister(m.exits, m.jobs, m.batches, m.jobSeconds, m.wsClients, m.resubs, m.gaps,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// mountMetrics serves GET /metrics in the Prometheus text format.
func (s *Server) mountMetrics(r chi.Router) {
	r.Method("GET", "/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{
		ErrorLog: promLogger{s.cfg}, ErrorHandling: promhttp.ContinueOnError}))
}

// promLogger passes promhttp's errors to the server's logger.
type promLogger struct{ cfg Config }

func (l promLogger) Println(v ...any) { l.cfg.Logger.Error("metrics: " + fmt.Sprint(v...)) }

// wsConnected and wsDisconnected count WebSocket clients; the hub calls them.
func (m *metrics) wsConnected()    { m.wsClients.Inc() }
func (m *metrics) wsDisconnected() { m.wsClients.Dec() }

// close stops the event consumer and waits for it. It is safe to call more than once.
func (m *metrics) close() {
	m.stop()
	<-m.done
}
