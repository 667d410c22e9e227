package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// bareRouter is a router with only the middleware of this file, for handlers that
// panic or misbehave on purpose.
func bareRouter(log io.Writer, level slog.Level) (*chi.Mux, *Server) {
	l := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: level}))
	s := &Server{cfg: Config{Logger: l}.withDefaults()}
	r := chi.NewRouter()
	r.Use(s.requestIDs(), s.logRequests, recoverer, noSniff)
	return r, s
}

func TestRecovererAnswersJSON500AndLogsTheStack(t *testing.T) {
	var log strings.Builder
	r, _ := bareRouter(&log, slog.LevelInfo)
	r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal"`) ||
		strings.Contains(rec.Body.String(), "kaboom") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(log.String(), "kaboom") || !strings.Contains(log.String(), "middleware_test.go") {
		t.Fatalf("log lacks the panic or its stack: %s", log.String())
	}
}

func TestRecovererPassesErrAbortHandler(t *testing.T) {
	r, _ := bareRouter(io.Discard, slog.LevelInfo)
	r.Get("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	defer func() {
		if rec := recover(); rec != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler", rec)
		}
	}()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/abort", nil))
}

func TestRequestID(t *testing.T) {
	r, _ := bareRouter(io.Discard, slog.LevelInfo)
	var seen string
	r.Get("/", func(w http.ResponseWriter, req *http.Request) { seen = requestIDFrom(req) })
	for _, c := range []struct{ in, want string }{
		{"abc-123", "abc-123"},       // a plain client id is kept
		{"", ""},                     // none: one is made
		{"bad id\nwith newline", ""}, // odd: replaced
		{strings.Repeat("x", maxRequestIDLen+1), ""}, // too long: replaced
	} {
		req := httptest.NewRequest("GET", "/", nil)
		if c.in != "" {
			req.Header.Set(requestIDHeader, c.in)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		got := rec.Header().Get(requestIDHeader)
		if got != seen || got == "" || (c.want != "" && got != c.want) || (c.want == "" && got == c.in) {
			t.Errorf("in %q: header %q, context %q", c.in, got, seen)
		}
	}
}

func TestRequestLogOnlyAtDebug(t *testing.T) {
	for _, c := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelDebug, true}, {slog.LevelInfo, false}} {
		var log strings.Builder
		r, _ := bareRouter(&log, c.level)
		r.Get("/x", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(418) })
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
		got := strings.Contains(log.String(), "status=418")
		if got != c.want {
			t.Errorf("level %v: logged %v, want %v: %s", c.level, got, c.want, log.String())
		}
	}
}

func TestNoSniffEverywhere(t *testing.T) {
	r, _ := bareRouter(io.Discard, slog.LevelInfo)
	r.Get("/ok", func(http.ResponseWriter, *http.Request) {})
	for _, p := range []string{"/ok", "/missing"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
	}
}
