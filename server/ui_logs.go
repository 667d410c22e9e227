package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// logsPage is GET /logs?worker=N: the output page of worker N, or of the pool
// without worker. A worker whose lines are not kept gets the page with a 404 and a
// message saying so.
func (s *Server) logsPage(w http.ResponseWriter, r *http.Request) {
	worker, err := logsWorker(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	v := s.logsView(worker)
	status := http.StatusOK
	if v.NotKept {
		status = http.StatusNotFound
	}
	s.render(w, r, status, web.LogsPage(s.layout("Worker output"), v))
}

// logsWorker reads ?worker=: absent or empty is the pool (0), else a worker id.
func logsWorker(r *http.Request) (int, error) {
	v := r.URL.Query().Get("worker")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.Atoi(v)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%w: worker %q is not a worker id (a whole number from 1)", cluster.ErrInvalid, clip(v))
	}
	return id, nil
}

// logsView is the newest web.LogViewCap lines of worker (0: the pool).
func (s *Server) logsView(worker int) web.LogsView {
	v := web.LogsView{Worker: worker}
	for _, wk := range s.c.Workers() {
		v.Workers = append(v.Workers, wk.ID)
	}
	page, err := s.c.Logs(cluster.LogQuery{Worker: worker, Limit: web.LogViewCap})
	v.NotKept = errors.Is(err, cluster.ErrNotFound)
	v.Lines, v.Dropped = page.Lines, page.Dropped
	return v
}

// logsFragments renders the live parts of worker's output page: the lines (as
// their new ones once a browser has the rest), the drop count and the links.
func (s *Server) logsFragments(worker int) func(context.Context) []fragment {
	return func(context.Context) []fragment {
		seq := s.c.LastSeq()
		v := s.logsView(worker)
		lines := v.Lines
		f := fragment{id: "worker-log", c: web.LogLines(lines),
			tail: func(after uint64) templ.Component { return web.LogLinesTail(lines, after) }}
		if len(lines) > 0 {
			f.last = lines[len(lines)-1].Seq
		}
		return []fragment{
			{id: fragSeqID, c: web.FragSeq(seq)},
			{id: "log-workers", c: web.LogWorkerLinks(worker, v.Workers)},
			{id: "log-dropped", c: web.LogDropped(v.Dropped)},
			f,
		}
	}
}
