package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gocluster/gocluster/web"
)

// presentEvents is how many events the lecture view shows: large enough to read from
// the back of a hall, few enough to fit beside the lanes.
const presentEvents = 8

// presentJobs bounds the bars of the lecture view's lanes: a lecture list is short,
// and a long one is for its own page.
const presentJobs = 200

// presentPage is GET /present, the lecture view.
func (s *Server) presentPage(w http.ResponseWriter, r *http.Request) {
	v := s.presentView()
	l := s.layout("Lecture view")
	l.Refresh = v.Batch != nil && v.Batch.State == "running"
	s.render(w, r, http.StatusOK, web.PresentPage(l, v))
}

// presentView is the pool and its newest list (the newest still running, if any).
func (s *Server) presentView() web.PresentView {
	p := s.livePanel()
	v := web.PresentView{Now: p.Now, Pool: p.Pool, Workers: p.Workers, CPUs: s.cfg.CPUs,
		Events: p.Events[max(0, len(p.Events)-presentEvents):]}
	if len(p.Batches) == 0 {
		return v
	}
	shown := p.Batches[0]
	for _, b := range p.Batches {
		if b.State == "running" {
			shown = b
			break
		}
	}
	b, err := s.c.BatchJobs(shown.ID, 0, presentJobs)
	if err != nil {
		return v
	}
	page := batchPageView(b)
	page.Now = time.Now()
	v.Batch, v.Timeline = &page.Batch, web.PageTimeline(page)
	return v
}

// presentFragments are the lecture view's live parts.
func (s *Server) presentFragments(context.Context) []fragment {
	v := s.presentView()
	return []fragment{
		{id: fragSeqID, c: web.FragSeq(v.Pool.LastSeq)},
		{id: "present-title", c: web.PresentTitle(v)},
		{id: "present-lanes", c: web.PresentLanes(v)},
		{id: "present-figures", c: web.PresentFigures(v)},
		{id: "present-events", c: web.PresentEvents(v.Events)},
	}
}
