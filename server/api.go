package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/gocluster/gocluster/cluster"
)

// mountAPI serves the REST API under /api (docs/api.md). Unknown paths and wrong
// methods answer in the same JSON error shape as everything else.
func (s *Server) mountAPI(r chi.Router) {
	r.Use(middleware.GetHead, strictQuery)
	r.NotFound(apiNotFound)
	r.MethodNotAllowed(methodNotAllowed)

	r.Get("/pool", s.getPool)
	r.Put("/pool", s.putPool)
	r.Post("/pool/restart", s.restartPool)
	r.Get("/hosts", s.getHosts)
	r.Put("/hosts/{name}/pool", s.putHostPool)

	r.Get("/workers", s.listWorkers)
	r.Get("/workers/{id}", s.getWorker)
	r.Post("/workers/{id}/kill", s.killWorker)
	r.Post("/workers/{id}/stop", s.stopWorker)
	r.Post("/workers/{id}/crash", s.crashWorker)
	r.Get("/workers/{id}/logs", s.getWorkerLogs)
	r.Get("/logs", s.getPoolLogs)

	r.Post("/batches", s.submitBatch)
	r.Get("/batches", s.listBatches)
	r.Get("/batches/{id}", s.getBatch)
	r.Get("/batches/{id}/jobs.ndjson", s.exportJobs)
	r.Delete("/batches/{id}", s.cancelBatch)
	r.Post("/batches/{id}/baseline", s.baselineBatch)

	r.Get("/events", s.getEvents)
	r.Get("/kinds", s.getKinds)

	r.Post("/demos/{id}/run", s.apiRunDemo)
	r.Get("/demos/http", s.apiHTTPDemo)
	r.Get("/demos/fib", s.apiFibDemo)
}

// marshalText is json.Marshal without HTML escaping, for the WebSocket's messages:
// like the HTTP answers, a message or result with "a > b" stays readable instead of
// "\u003e" (the stream is JSON, never HTML). No trailing newline.
func marshalText(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeJSON answers with v as JSON. API answers describe a live pool, so no cache
// may keep them.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// The answer is JSON, never HTML (and nosniff says so), so "a > b" in a message
	// or a shell command stays readable in curl's output instead of "\u003e".
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, r, fmt.Errorf("encode response: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// strictQuery refuses a query string that does not parse. r.URL.Query() drops what
// it cannot read without a word, so ?since=%zz was "no since" and ?wait=1s;since=0
// (a semicolon, which Go no longer splits on) was "no wait": the client got an
// answer to another question than the one it asked.
func strictQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			writeError(w, r, fmt.Errorf("%w: the query string %q cannot be read: %v (separate parameters with &, "+
				"escape %% as %%25)", cluster.ErrInvalid, clip(r.URL.RawQuery), err))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiNotFound is the JSON 404 of unknown /api paths.
func apiNotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, fmt.Errorf("%w: no API endpoint %s %s (see docs/api.md)",
		cluster.ErrNotFound, r.Method, clip(r.URL.Path)))
}

// methodNotAllowed answers 405 in the JSON error shape with an Allow header. chi
// computes the allowed methods only for its own default handler, so they are found
// again here by asking the root router which methods match the whole path; that
// works the same from the root and from any sub-router that inherits the handler.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow := allowedMethods(r)
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, r, fmt.Errorf("%w: %s is not allowed on %s; allowed: %s",
		errMethodNotAllowed, clip(r.Method), clip(r.URL.Path), strings.Join(allow, ", ")))
}

// allowedMethods lists the methods the router serves on r's path (HEAD wherever GET
// is, as middleware.GetHead answers it).
func allowedMethods(r *http.Request) []string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || rctx.Routes == nil {
		return nil
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete} {
		probe := m
		if m == http.MethodHead {
			probe = http.MethodGet
		}
		if rctx.Routes.Match(chi.NewRouteContext(), probe, path) {
			allow = append(allow, m)
		}
	}
	return allow
}
