package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestAPIRouting covers what every endpoint shares: JSON 404s and 405s with Allow,
// HEAD on GET routes, nosniff and the request id.
func TestAPIRouting(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})

	t.Run("unknown path is a JSON 404", func(t *testing.T) {
		for _, p := range []string{"/api/nope", "/api", "/api/pool/nope", "/api/workers/1/explode"} {
			a.get(p).wantError(t, http.StatusNotFound, "not_found")
		}
	})
	t.Run("wrong method is a JSON 405 with Allow", func(t *testing.T) {
		for _, c := range []struct{ method, path, allow string }{
			{http.MethodPatch, "/api/pool", "GET, HEAD, PUT"},
			{http.MethodDelete, "/api/pool", "GET, HEAD, PUT"},
			{http.MethodGet, "/api/pool/restart", "POST"},
			{http.MethodPut, "/api/batches", "GET, HEAD, POST"},
			{http.MethodPost, "/api/batches/1", "GET, HEAD, DELETE"},
			{http.MethodGet, "/api/workers/1/kill", "POST"},
			{"BREW", "/api/events", "GET, HEAD"},
		} {
			rp := a.do(c.method, c.path, "", "")
			msg := rp.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
			if got := rp.header.Get("Allow"); got != c.allow {
				t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
			}
			if !strings.Contains(msg, c.allow) {
				t.Errorf("%s %s: message %q does not list %q", c.method, c.path, msg, c.allow)
			}
		}
	})
	t.Run("HEAD answers like GET without a body", func(t *testing.T) {
		rp := a.do(http.MethodHead, "/api/pool", "", "")
		if rp.status != http.StatusOK || len(rp.body) != 0 {
			t.Fatalf("HEAD /api/pool: %d %q", rp.status, rp.body)
		}
	})
	t.Run("nosniff, no-store and a request id on every answer", func(t *testing.T) {
		for _, rp := range []reply{a.get("/api/pool"), a.get("/api/nope"), a.get("/healthz")} {
			if rp.header.Get("X-Content-Type-Options") != "nosniff" || rp.header.Get("X-Request-Id") == "" {
				t.Errorf("headers %v lack nosniff or X-Request-Id", rp.header)
			}
		}
		if cc := a.get("/api/pool").header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
	})
}
