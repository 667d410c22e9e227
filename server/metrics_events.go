package server

import (
	"context"

	"github.com/gocluster/gocluster/cluster"
)

// follow counts the pool's events from since until close or until the pool closes.
// cluster.Follow replays from the ring what the counter missed while it was behind
// (a resubscribe); what the ring no longer held is a gap, and counting goes on from
// there.
func (m *metrics) follow(ctx context.Context, c *cluster.Cluster, since uint64, buffer int) {
	defer close(m.done)
	_ = c.Follow(ctx, since, m.followOptions(buffer), m.count) // ends with ctx or the pool
}

// followOptions counts each time the counter fell behind and resubscribed.
func (m *metrics) followOptions(buffer int) *cluster.FollowOptions {
	return &cluster.FollowOptions{Buffer: buffer, OnResume: func(uint64) { m.resubs.Inc() }}
}

// count is follow's function: one event, or a gap.
func (m *metrics) count(ev cluster.Event) error {
	if ev.Type == cluster.EventGap {
		m.gaps.Inc()
		return nil
	}
	m.observe(ev)
	return nil
}

// observe counts one event.
func (m *metrics) observe(ev cluster.Event) {
	switch ev.Type {
	case cluster.EventExit:
		m.exits.WithLabelValues(exitReason(ev)).Inc()
	case cluster.EventJobDone:
		m.jobSeconds.Observe(ev.DurationMS / 1000)
	case cluster.EventBatchDone:
		m.batches.WithLabelValues(ev.State).Inc()
		if sum := ev.Summary; sum != nil {
			m.jobs.WithLabelValues(string(cluster.JobDone)).Add(float64(sum.Done))
			m.jobs.WithLabelValues(string(cluster.JobFailed)).Add(float64(sum.Failed))
			m.jobs.WithLabelValues(string(cluster.JobCanceled)).Add(float64(sum.Canceled))
		}
	}
}

// exitReason classifies a worker.exit: intentional when the pool asked the worker to
// leave (scale down, stop, restart, shutdown), signal when a signal ended it, and
// exit_code when it exited by itself.
func exitReason(ev cluster.Event) string {
	switch {
	case ev.Intentional != nil && *ev.Intentional:
		return "intentional"
	case ev.Signal != "":
		return "signal"
	}
	return "exit_code"
}
