package server

import (
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// listWorkers is GET /api/workers: the live workers by id.
func (s *Server) listWorkers(w http.ResponseWriter, r *http.Request) {
	ws := s.c.Workers()
	if ws == nil {
		ws = []cluster.WorkerInfo{}
	}
	writeJSON(w, r, http.StatusOK, ws)
}

// worker finds the live worker named by the URL.
func (s *Server) worker(r *http.Request) (*cluster.Worker, error) {
	id, err := workerID(r)
	if err != nil {
		return nil, err
	}
	return s.c.Worker(id)
}

// getWorker is GET /api/workers/{id}.
func (s *Server) getWorker(w http.ResponseWriter, r *http.Request) {
	wk, err := s.worker(r)
	var info cluster.WorkerInfo
	if err == nil {
		info, err = wk.Info()
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, info)
}

// workerAction answers the worker endpoints: what was asked of which worker.
type workerAction struct {
	Status string `json:"status"`
	Worker int    `json:"worker"`
	Signal string `json:"signal,omitempty"`
	Code   int    `json:"code,omitempty"`
}

// killRequest is the optional body of POST /api/workers/{id}/kill.
type killRequest struct {
	Signal string `json:"signal"`
}

// killWorker is POST /api/workers/{id}/kill: it sends a signal (default SIGTERM).
// The pool replaces the worker at once.
func (s *Server) killWorker(w http.ResponseWriter, r *http.Request) {
	var req killRequest
	id, err := s.workerRequest(w, r, &req)
	var sig syscall.Signal
	if err == nil {
		sig, err = cluster.ParseSignal(req.Signal)
	}
	if err == nil {
		err = s.do(id, func(wk *cluster.Worker) error { return wk.Kill(sig) })
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusAccepted, workerAction{Status: "killing", Worker: id, Signal: signalLabel(req.Signal)})
}

// crashRequest is the optional body of POST /api/workers/{id}/crash.
type crashRequest struct {
	Code *int `json:"code"`
}

// crashWorker is POST /api/workers/{id}/crash: the worker exits at once with the
// code (default 1), as if it had crashed, so the restart policy can be watched.
func (s *Server) crashWorker(w http.ResponseWriter, r *http.Request) {
	var req crashRequest
	id, err := s.workerRequest(w, r, &req)
	code := 1
	if req.Code != nil {
		code = *req.Code
	}
	if err == nil {
		err = s.do(id, func(wk *cluster.Worker) error { return wk.Crash(code) })
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusAccepted, workerAction{Status: "crashing", Worker: id, Code: code})
}

// stopRequest is the optional body of POST /api/workers/{id}/stop.
type stopRequest struct {
	Timeout string `json:"timeout"`
}

// maxStopTimeout bounds how long a stopping worker may be given.
const maxStopTimeout = time.Hour

// stopWorker is POST /api/workers/{id}/stop: the worker finishes its job and leaves,
// and the pool shrinks by one (Node's worker.disconnect()). After the timeout
// (default: the pool's StopTimeout) it is killed.
func (s *Server) stopWorker(w http.ResponseWriter, r *http.Request) {
	var req stopRequest
	id, err := s.workerRequest(w, r, &req)
	var timeout time.Duration
	if err == nil {
		timeout, err = stopTimeout(req.Timeout)
	}
	if err == nil {
		err = s.do(id, func(wk *cluster.Worker) error { return wk.Disconnect(timeout) })
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusAccepted, workerAction{Status: "stopping", Worker: id})
}

// do runs f on the live worker id.
func (s *Server) do(id int, f func(*cluster.Worker) error) error {
	wk, err := s.c.Worker(id)
	if err != nil {
		return err
	}
	return f(wk)
}

// workerRequest reads the worker id from the URL and the optional JSON body into
// dst (an empty body leaves dst's defaults).
func (s *Server) workerRequest(w http.ResponseWriter, r *http.Request, dst any) (int, error) {
	id, err := workerID(r)
	if err != nil {
		return 0, err
	}
	_, err = decodeJSONBody(w, r, s.cfg.MaxBody, dst)
	return id, err
}

// stopTimeout parses the stop timeout: "" is the pool's default.
func stopTimeout(v string) (time.Duration, error) {
	d, err := parseTimeout(v)
	if err == nil && (d < 0 || d > maxStopTimeout) {
		err = fmt.Errorf("%w: timeout %s is outside 0s..%s", cluster.ErrInvalid, d, maxStopTimeout)
	}
	return d, err
}

// signalLabel is the signal as the client asked for it, in upper case with the SIG
// prefix ("kill" -> "SIGKILL", "9" stays "9"); SIGTERM when none was given.
func signalLabel(s string) string {
	name := strings.ToUpper(strings.TrimSpace(s))
	switch {
	case name == "":
		return "SIGTERM"
	case strings.HasPrefix(name, "SIG") || strings.Trim(name, "0123456789") == "":
		return name
	}
	return "SIG" + name
}
