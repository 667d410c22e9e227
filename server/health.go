package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
)

// The health checks, served without the token (load balancers and probes carry
// none), so they say no more than a status: no ids, pids or inputs.
//
//   - GET /healthz: is the pool whole? 200 "ok"; 503 "degraded: …" when a slot
//     stopped restarting after a crash loop (workers still serve in the others) and
//     503 "down: …" when no worker can take jobs because of it. A pool scaled to 0
//     on purpose is "ok": nothing is wrong with it.
//   - GET /readyz: can it run jobs now? 200 "ready" when a worker is online (idle
//     or busy), 503 otherwise (starting, scaled to 0, every slot degraded).
//
// Both answer JSON ({"status":…,"reason":…}) to a client that asks for it with
// Accept: application/json.
func (s *Server) mountHealth(r chi.Router) {
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
}

// healthStatus is the JSON form of a health answer.
type healthStatus struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	p := s.c.Pool()
	switch h := p.Health(); h {
	case cluster.HealthOK:
		writeHealth(w, r, http.StatusOK, healthStatus{Status: string(h)})
	default:
		why := fmt.Sprintf("%d of %d slots degraded after crash loops; see GET /api/pool degraded_slots for when each is retried",
			max(len(p.DegradedSlots), 1), p.Size)
		writeHealth(w, r, http.StatusServiceUnavailable, healthStatus{Status: string(h), Reason: why})
	}
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	p := s.c.Pool()
	for _, wk := range p.Workers {
		if wk.State == cluster.StateIdle || wk.State == cluster.StateBusy {
			writeHealth(w, r, http.StatusOK, healthStatus{Status: "ready"})
			return
		}
	}
	why := "no worker is online"
	switch {
	case p.Size == 0:
		why = "the pool is scaled to 0"
	case p.Health() == cluster.HealthDown:
		why = "every slot is degraded"
	}
	writeHealth(w, r, http.StatusServiceUnavailable, healthStatus{Status: "not ready", Reason: why})
}

// writeHealth answers text ("status: reason") or, when asked, JSON.
func writeHealth(w http.ResponseWriter, r *http.Request, code int, st healthStatus) {
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, r, code, st)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if st.Reason == "" {
		fmt.Fprint(w, st.Status)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", st.Status, st.Reason)
}
