package server

import (
	"context"
	"time"

	"github.com/gocluster/gocluster/web"
)

// fragSeqID is the id of the marker every live update ends with (web.FragSeq).
const fragSeqID = "frag-seq"

// eventLogLines is how many recent events the panel's log shows.
const eventLogLines = 100

// livePanel is the panel as the pool stands now, with what snapshots forget: dead
// cards that linger, the rate and the recent events.
func (s *Server) livePanel() web.PanelView {
	v := s.panelView()
	v.Workers = s.seen.workers(v.Workers, v.Now)
	v.Pool.Rate = s.seen.rate(v.Pool.JobsDone, v.Now)
	v.Events = web.EventLines(s.lastEvents(eventLogLines))
	return v
}

// panelFragments are the panel's live parts.
func (s *Server) panelFragments(context.Context) []fragment {
	v := s.livePanel()
	ro := s.cfg.ReadOnly
	return []fragment{
		{fragSeqID, web.FragSeq(v.Pool.LastSeq)},
		{"degraded-warning", web.DegradedWarning(v.Pool)},
		{"pool-stats", web.PoolStats(v.Pool, v.Workers)},
		{"workers", web.WorkerList(v.Workers, v.Now, ro)},
		{"batches", web.BatchList(v.Batches, ro)},
		{"event-log", web.EventLogList(v.Events)},
	}
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
			{fragSeqID, web.FragSeq(seq)},
			{"batch-summary", web.BatchSummary(v.Batch, s.cfg.ReadOnly)},
			{"timeline", web.BatchTimeline(v)},
			{"results", web.ResultsTable(v.Batch.Kind, v.Jobs)},
		}
	}
}

// demosFragments is the http demo's box: its counts change with requests to the
// demo's own pool, which publishes no events here, so it is re-rendered every
// fragRefresh.
func (s *Server) demosFragments(context.Context) []fragment {
	return []fragment{
		{fragSeqID, web.FragSeq(s.c.LastSeq())},
		{"http-demo", web.HTTPDemoStatus(*httpDemoView(s.demos.httpStatus()))},
	}
}
