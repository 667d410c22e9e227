package server

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
)

// hostsResponse is GET /api/hosts: the primary's own host first, then the agents'
// (docs/scale-out.md), each with its state, size and workers.
type hostsResponse struct {
	Hosts []cluster.HostInfo `json:"hosts"`
}

// getHosts is GET /api/hosts.
func (s *Server) getHosts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, hostsResponse{Hosts: s.c.Hosts()})
}

// putHostPool is PUT /api/hosts/{name}/pool with {"size":N} or ?size=N: PUT
// /api/pool for one host. It answers with the hosts.
func (s *Server) putHostPool(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if !cluster.ValidHostName(name) {
		writeError(w, r, fmt.Errorf("%w: host name %q: 1 to 64 letters, digits, '-' or '_'", cluster.ErrInvalid, clip(name)))
		return
	}
	size, err := s.requestedSize(w, r)
	if err == nil {
		err = s.c.ScaleHost(name, size)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, hostsResponse{Hosts: s.c.Hosts()})
}
