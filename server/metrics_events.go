package server

import (
	"errors"

	"github.com/gocluster/gocluster/cluster"
)

// consume counts events until close or until the pool closes. It owns sub and
// replaces it when the pool drops it for falling behind.
func (m *metrics) consume(c *cluster.Cluster, sub *cluster.Subscription, last uint64, missed []cluster.Event) {
	defer close(m.done)
	for _, ev := range missed {
		last = m.observe(ev)
	}
	for sub != nil {
		select {
		case ev, open := <-sub.C:
			if !open {
				sub, last = m.resubscribe(c, sub, last)
				continue
			}
			last = m.observe(ev)
		case <-m.quit:
			sub.Close()
			return
		}
	}
}

// resubscribe replaces a dropped subscription, replaying what the ring still holds
// after last. When the ring moved on, the events in between are lost: that counts
// as one gap, and counting starts afresh. It returns nil when the pool closed (or
// the subscription was closed on purpose), which ends consume.
func (m *metrics) resubscribe(c *cluster.Cluster, old *cluster.Subscription, last uint64) (*cluster.Subscription, uint64) {
	if !errors.Is(old.Err(), cluster.ErrSlowSubscriber) {
		return nil, last
	}
	m.resubs.Inc()
	sub, missed, ok := c.SubscribeSince(last, metricsBuffer)
	if !ok {
		sub.Close()
		if errors.Is(sub.Err(), cluster.ErrClosed) {
			return nil, last
		}
		m.gaps.Inc()
		sub, missed, last = subscribeFresh(c)
	}
	for _, ev := range missed {
		last = m.observe(ev)
	}
	return sub, last
}

// subscribeFresh subscribes from the latest event, retrying while a burst outruns
// the ring between reading the seq and subscribing. It returns a nil subscription
// once the pool closed.
func subscribeFresh(c *cluster.Cluster) (*cluster.Subscription, []cluster.Event, uint64) {
	for {
		last := c.LastSeq()
		sub, missed, ok := c.SubscribeSince(last, metricsBuffer)
		if ok {
			return sub, missed, last
		}
		sub.Close()
		if errors.Is(sub.Err(), cluster.ErrClosed) {
			return nil, nil, last
		}
	}
}

// observe counts one event and returns its seq.
func (m *metrics) observe(ev cluster.Event) uint64 {
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
	return ev.Seq
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
