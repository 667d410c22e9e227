package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// rerunOnOne submits the list id again, same kind, inputs and timeout, bounded to
// one worker: when it ends with every job done, its wall time is the baseline that
// gives the original (and every list of the same jobs) its measured speedup.
func (s *Server) rerunOnOne(id string) (cluster.BatchInfo, error) {
	b, err := s.c.Batch(id)
	if err != nil {
		return b, err
	}
	inputs := make([]json.RawMessage, len(b.Jobs))
	for i, j := range b.Jobs {
		inputs[i] = j.Input
	}
	return s.c.SubmitJSON(b.Kind, inputs, cluster.BatchOptions{Timeout: time.Duration(b.Timeout), Workers: 1})
}

// baselineBatch is POST /api/batches/{id}/baseline: 201 with the new one-worker list.
func (s *Server) baselineBatch(w http.ResponseWriter, r *http.Request) {
	id, err := batchID(r)
	var info cluster.BatchInfo
	if err == nil {
		info, err = s.rerunOnOne(id)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/batches/"+url.PathEscape(info.ID))
	writeJSON(w, r, http.StatusCreated, info)
}

// uiBaseline is POST /ui/batches/{id}/baseline; it goes back to the page it came
// from, where the speedup appears once the one-worker run ended.
func (s *Server) uiBaseline(w http.ResponseWriter, r *http.Request) {
	id, err := batchID(r)
	if err == nil {
		_, err = s.rerunOnOne(id)
	}
	if err != nil {
		s.renderPanel(w, r, uiStatus(err), func(v *web.PanelView) { v.ActionError = formMessage(err) })
		return
	}
	redirectBack(w, r)
}
