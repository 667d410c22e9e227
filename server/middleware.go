package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// mountMiddleware installs what every request goes through, outermost first: the
// read and write deadlines (deadlines.go), a request id, the debug request log, the panic recoverer, nosniff, then the security
// layer (security.go: header policy, token, cross-origin check, read-only), after
// the recoverer so that its panics too become JSON 500s.
func (s *Server) mountMiddleware(r chi.Router) {
	r.Use(s.deadlines, s.requestIDs(), s.logRequests, recoverer, noSniff)
	s.mountSecurity(r)
	// chi answers a method it does not know at all (BREW) at the root, before any
	// sub-router: make that a JSON 405 with Allow too.
	r.MethodNotAllowed(methodNotAllowed)
}

// requestIDHeader carries the request id, in and out.
const requestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an id taken from the client, so a huge or odd header is not
// copied into every log line.
const maxRequestIDLen = 64

type requestIDKey struct{}

type loggerKey struct{}

// requestIDs returns a middleware that names each request: the client's
// X-Request-Id when it is short and plain, else a random per-server prefix and a
// counter. The id is echoed in the response, put in the request's context and in a
// logger carrying it, so log lines and error messages can be matched.
func (s *Server) requestIDs() func(http.Handler) http.Handler {
	prefix := rand.Text()[:8]
	var n atomic.Uint64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(requestIDHeader)
			if !plainID(id) {
				id = fmt.Sprintf("%s-%06d", prefix, n.Add(1))
			}
			w.Header().Set(requestIDHeader, id)
			ctx := context.WithValue(r.Context(), requestIDKey{}, id)
			ctx = context.WithValue(ctx, loggerKey{}, s.cfg.Logger.With("request_id", id))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// plainID accepts ids of 1..64 letters, digits and -_.:/ only.
func plainID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':' || c == '/'
		if !ok {
			return false
		}
	}
	return true
}

// requestIDFrom is the request's id, or "-" outside the middleware.
func requestIDFrom(r *http.Request) string {
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		return id
	}
	return "-"
}

// loggerFrom is the request's logger (with its id), or slog.Default() outside the
// middleware.
func loggerFrom(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// logRequests logs each request at Debug level: method, path, status, size and
// time. When Debug is off it costs one Enabled check, so a busy server's log is not
// flooded and its responses are not wrapped.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := loggerFrom(r)
		if !log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		defer func() {
			log.Debug("http request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
				"bytes", ww.BytesWritten(), "duration", time.Since(start))
		}()
		next.ServeHTTP(ww, r)
	})
}

// recoverer turns a handler's panic into the JSON 500 and logs it with its stack, so
// one bad request neither kills the connection silently nor leaks a trace to the
// client. http.ErrAbortHandler is passed on: it is net/http's way to abort.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec)
			}
			loggerFrom(r).Error("panic in handler", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			writeErrorBody(w, classify(errPanic), internalMessage(r))
		}()
		next.ServeHTTP(w, r)
	})
}

// errPanic stands for a recovered panic: it matches no row, so it is a 500.
var errPanic = errors.New("panic in handler")

// noSniff stops browsers from guessing content types: a JSON error echoing user
// input must never be run as HTML or script.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
