package server

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// List sizes of GET /api/batches.
const (
	defaultBatchList = 50
	maxBatchList     = 500
)

// submitBatch is POST /api/batches (JSON or text body, see decodeBatchRequest). It
// answers 201 with a Location header. With ?wait= it answers when the list ended or
// the wait is over, with the first page of its jobs as they stand
// (?jobs_offset=, ?jobs_limit=); without, at once and without jobs.
func (s *Server) submitBatch(w http.ResponseWriter, r *http.Request) {
	wait, waitGiven, err := parseWait(r, s.cfg.MaxWait)
	var page jobPage
	if err == nil {
		page, err = parseJobPage(r)
	}
	var spec batchSpec
	if err == nil {
		spec, err = decodeBatchRequest(w, r, s.cfg.MaxBody, s.intKind)
	}
	var info cluster.BatchInfo
	if err == nil {
		info, err = s.submitSpec(spec, cluster.BatchOptions{})
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/batches/"+url.PathEscape(info.ID))
	if !waitGiven {
		writeJSON(w, r, http.StatusCreated, info)
		return
	}
	if info, err = s.waitBatch(r, info.ID, wait, page); err != nil {
		writeError(w, r, err)
		return
	}
	writePage(w, r, http.StatusCreated, pageOf(info, page))
}

// waitBatch long-polls one list: it returns when the list ended, the wait is over,
// the client left or the server closes, always with the list as it stands and one
// page of its jobs.
func (s *Server) waitBatch(r *http.Request, id string, wait time.Duration, page jobPage) (cluster.BatchInfo, error) {
	ctx, cancel := s.bg.waitContext(r.Context(), wait)
	defer cancel()
	return s.c.WaitBatchJobs(ctx, id, page.offset, page.limit)
}

// listBatches is GET /api/batches: lists newest first, without their jobs, across
// runs when the pool keeps a history; filtered by ?state=, ?kind=, ?run=, paged by
// ?before= (a list id) and ?limit= (default 50, at most 500).
func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	f, err := parseHistory(r)
	var bs []cluster.BatchInfo
	if err == nil {
		bs, err = s.c.History(f)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, bs)
}

// getBatch is GET /api/batches/{id}: one list with a page of its jobs
// (?jobs_offset=, ?jobs_limit=); with ?wait= it answers once the list ended or the
// wait is over.
func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	wait, waitGiven, err := parseWait(r, s.cfg.MaxWait)
	var page jobPage
	if err == nil {
		page, err = parseJobPage(r)
	}
	var id string
	if err == nil {
		id, err = batchID(r)
	}
	var info cluster.BatchInfo
	switch {
	case err != nil:
	case waitGiven:
		info, err = s.waitBatch(r, id, wait, page)
	default:
		info, err = s.c.BatchJobs(id, page.offset, page.limit)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writePage(w, r, http.StatusOK, pageOf(info, page))
}

// cancelBatch is DELETE /api/batches/{id}: queued jobs are canceled, running ones
// stopped (their workers are killed and replaced). It answers with the list and a
// page of its jobs after the cancel; canceling an ended list changes nothing.
func (s *Server) cancelBatch(w http.ResponseWriter, r *http.Request) {
	page, err := parseJobPage(r)
	var id string
	if err == nil {
		id, err = batchID(r)
	}
	var info cluster.BatchInfo
	if err == nil {
		info, err = s.c.Cancel(id)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	// The list may already have left the history (if it was the oldest kept);
	// then the summary Cancel returned is all there is.
	if full, err := s.c.BatchJobs(id, page.offset, page.limit); err == nil {
		info = full
	} else if !errors.Is(err, cluster.ErrNotFound) {
		writeError(w, r, err)
		return
	}
	writePage(w, r, http.StatusOK, pageOf(info, page))
}
