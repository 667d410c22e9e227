package server

import (
	"context"
	"time"

	"github.com/a-h/templ"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// fragSeqID is the id of the marker every live update ends with (web.FragSeq).
const fragSeqID = "frag-seq"

// livePanel is the panel as the pool stands now, with what snapshots forget: dead
// cards that linger, the rate and the recent events.
func (s *Server) livePanel() web.PanelView {
	v := s.panelView()
	v.Workers = s.seen.workers(v.Workers, v.Now)
	v.Pool.Rate = s.seen.rate(v.Pool.JobsDone, v.Now)
	v.Events = web.EventLines(upTo(s.lastEvents(web.EventLogCap), v.Pool.LastSeq))
	return v
}

// upTo drops the events after seq: the log then shows what the snapshot shows,
// and the frag-seq marker (the snapshot's seq) is true of every fragment. An event
// published between the snapshot and reading the ring waits for the next render.
func upTo(evs []cluster.Event, seq uint64) []cluster.Event {
	for len(evs) > 0 && evs[len(evs)-1].Seq > seq {
		evs = evs[:len(evs)-1]
	}
	return evs
}

// panelFragments are the panel's live parts.
func (s *Server) panelFragments(context.Context) []fragment {
	v := s.livePanel()
	ro := s.cfg.ReadOnly
	return []fragment{
		{id: fragSeqID, c: web.FragSeq(v.Pool.LastSeq)},
		{id: "degraded-warning", c: web.DegradedWarning(v.Pool)},
		{id: "pool-stats", c: web.PoolStats(v.Pool, v.Workers)},
		{id: "hosts", c: web.HostList(v.Hosts)},
		{id: "workers", c: web.WorkerList(v.Workers, v.Now, ro)},
		{id: "batches", c: web.BatchList(v.Batches, ro)},
		logFragment(v.Events),
	}
}

// logFragment is the event log, sent as its new lines once a browser has the rest.
func logFragment(lines []web.EventLine) fragment {
	f := fragment{id: "event-log", c: web.EventLogList(lines),
		tail: func(after uint64) templ.Component { return web.EventLogTail(lines, after) }}
	if len(lines) > 0 {
		f.last = lines[len(lines)-1].Seq
	}
	return f
}

// batchFragments renders the live parts of list id's page of jobs.
func (s *Server) batchFragments(id string, page jobPage) func(context.Context) []fragment {
	return func(context.Context) []fragment {
		seq := s.c.LastSeq()
		b, err := s.c.BatchJobs(id, page.offset, page.limit)
		if err != nil {
			return nil // forgotten: the page keeps what it shows
		}
		v := batchPageView(b)
		v.Now = time.Now()
		return []fragment{
			{id: fragSeqID, c: web.FragSeq(seq)},
			{id: "batch-summary", c: web.BatchSummary(v.Batch, s.cfg.ReadOnly)},
			{id: "timeline", c: web.BatchTimeline(v)},
			{id: "results", c: web.ResultsTable(v.Batch.Kind, v.Jobs)},
		}
	}
}

// demosFragments are the http demo's box and the fib demo's Node replay: they
// change with the demos' own pools, which publish no events here, so they are
// re-rendered every fragRefresh.
func (s *Server) demosFragments(context.Context) []fragment {
	return []fragment{
		{id: fragSeqID, c: web.FragSeq(s.c.LastSeq())},
		{id: "http-demo", c: web.HTTPDemoStatus(*s.httpDemoView())},
		{id: "fib-node", c: web.FibNodeStatus(fibNodeView(s.demos.NodeStatus()))},
	}
}
