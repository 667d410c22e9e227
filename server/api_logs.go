package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gocluster/gocluster/cluster"
)

// maxLogLimit bounds ?limit= of the log endpoints; without it every kept line comes.
const maxLogLimit = 100_000

// logsAnswer is the JSON of GET /api/logs and GET /api/workers/{id}/logs.
type logsAnswer struct {
	Run string `json:"run"`
	cluster.LogPage
}

// getPoolLogs is GET /api/logs?since=&stream=&limit=&run=: every worker's kept
// output lines, interleaved, oldest first.
func (s *Server) getPoolLogs(w http.ResponseWriter, r *http.Request) {
	s.answerLogs(w, r, 0, nil)
}

// getWorkerLogs is GET /api/workers/{id}/logs?since=&stream=&limit=&run=: one
// worker's kept output lines, also for a worker that exited recently.
func (s *Server) getWorkerLogs(w http.ResponseWriter, r *http.Request) {
	id, err := workerID(r)
	s.answerLogs(w, r, id, err)
}

func (s *Server) answerLogs(w http.ResponseWriter, r *http.Request, worker int, err error) {
	var q cluster.LogQuery
	if err == nil {
		q, err = s.logQuery(r, worker)
	}
	var page cluster.LogPage
	if err == nil {
		page, err = s.c.Logs(q)
	}
	if err == nil && q.Since > page.LastSeq {
		err = fmt.Errorf("%w: line seq %d is ahead of the latest line %d (did the server restart?); "+
			"ask again without since", errEventsGone, q.Since, page.LastSeq)
	}
	if errors.Is(err, errEventsGone) {
		err = &runError{run: s.c.RunID(), err: err}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, logsAnswer{Run: s.c.RunID(), LogPage: page})
}

// logQuery reads ?since=, ?stream= (stdout, stderr or absent for both), ?limit=
// and ?run= (a since of another run is refused with 410).
func (s *Server) logQuery(r *http.Request, worker int) (cluster.LogQuery, error) {
	q := cluster.LogQuery{Worker: worker, Stream: r.URL.Query().Get("stream")}
	since, err := parseSince(r.URL.Query().Get("since"))
	if err != nil {
		return q, err
	}
	if since != nil {
		q.Since = *since
	}
	if q.Limit, err = parseLimit(r, 0, maxLogLimit); err != nil {
		return q, err
	}
	return q, s.checkRun(r.URL.Query().Get("run"))
}
