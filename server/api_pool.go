package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gocluster/gocluster/cluster"
)

// poolResponse is GET /api/pool: the cluster's snapshot plus whether a rolling
// restart started over the API is still running.
type poolResponse struct {
	cluster.PoolInfo
	Restarting bool `json:"restarting"`
}

func (s *Server) poolResponse() poolResponse {
	info := s.c.Pool()
	if info.Workers == nil {
		info.Workers = []cluster.WorkerInfo{}
	}
	return poolResponse{PoolInfo: info, Restarting: s.bg.isRestarting()}
}

// getPool is GET /api/pool.
func (s *Server) getPool(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, s.poolResponse())
}

// sizeRequest is the body of PUT /api/pool. Size is a pointer so that a missing size
// is told apart from 0 (which retires every worker).
type sizeRequest struct {
	Size *int `json:"size"`
}

// putPool is PUT /api/pool with {"size":N} or ?size=N: it forks or retires workers
// and answers with the pool.
func (s *Server) putPool(w http.ResponseWriter, r *http.Request) {
	size, err := s.requestedSize(w, r)
	if err == nil {
		err = s.c.Scale(size)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, s.poolResponse())
}

// requestedSize takes the size from the body or the query, not both.
func (s *Server) requestedSize(w http.ResponseWriter, r *http.Request) (int, error) {
	var req sizeRequest
	present, err := decodeJSONBody(w, r, s.cfg.MaxBody, &req)
	if err != nil {
		return 0, err
	}
	q, inQuery := queryValue(r, "size")
	switch {
	case present && req.Size != nil && inQuery:
		return 0, fmt.Errorf("%w: size is given in both the body and the URL: give it once", cluster.ErrInvalid)
	case present && req.Size != nil:
		return *req.Size, nil
	case inQuery:
		n, err := strconv.Atoi(q)
		if err != nil {
			return 0, fmt.Errorf("%w: size %q is not a whole number", cluster.ErrInvalid, clip(q))
		}
		return n, nil
	}
	return 0, fmt.Errorf(`%w: no size given: send {"size":N} or ?size=N`, cluster.ErrInvalid)
}

// restartResponse answers POST /api/pool/restart.
type restartResponse struct {
	Status string `json:"status"`
}

// restartPool is POST /api/pool/restart: it starts a rolling restart in the
// background and answers 202 at once; GET /api/pool says "restarting" until it ends.
// A second restart while one runs is a 409.
func (s *Server) restartPool(w http.ResponseWriter, r *http.Request) {
	if _, err := decodeJSONBody(w, r, s.cfg.MaxBody, &struct{}{}); err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.RollingRestart(); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusAccepted, restartResponse{Status: "restarting"})
}

// RollingRestart starts a rolling restart of the pool in the background, as POST
// /api/pool/restart does (serve calls it on SIGHUP): GET /api/pool says
// "restarting" until it ends. One already running makes it an error.
func (s *Server) RollingRestart() error {
	log := s.cfg.Logger
	return s.bg.startRestart(func(ctx context.Context) {
		err := s.c.Restart(ctx)
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, cluster.ErrClosed) {
			log.Warn("rolling restart failed", "err", err)
		}
	})
}
