package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// errSlowBody: the request body did not arrive within Config.BodyTimeout.
var errSlowBody = errors.New("request timeout")

// deadlines gives every response but the WebSocket's a write deadline, and every
// request body a read deadline, so that a client that stops reading an answer, or
// sends a body a byte at a time, ties up a connection and its memory for a bounded
// time only. The http.Server has no ReadTimeout or WriteTimeout: they would cut long
// polls and the WebSocket, so the deadlines are set here, per request. A long poll
// (?wait=) gets its wait on top of Config.WriteTimeout; the NDJSON export extends
// its deadline per chunk; the WebSocket keeps its own per-write timeout (ws.go).
func (s *Server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		rc.SetWriteDeadline(time.Now().Add(s.writeBudget(r))) // ErrNotSupported in tests' recorders
		if r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
		body := &bodyGuard{ReadCloser: r.Body, rc: rc, timeout: s.cfg.BodyTimeout}
		r = r.WithContext(r.Context())
		r.Body = body
		next.ServeHTTP(&closeUnread{ResponseWriter: w, body: body}, r)
	})
}

// writeBudget is how long the answer to r may take to write: Config.WriteTimeout,
// plus the ?wait= of a long poll. A ?wait= that does not parse is refused by its
// handler; it gets no extra time.
func (s *Server) writeBudget(r *http.Request) time.Duration {
	d := s.cfg.WriteTimeout
	if wait, given, err := parseWait(r, s.cfg.MaxWait); given && err == nil {
		d += wait
	}
	return d
}

// bodyGuard is a request body under a read deadline. At its end it lifts the
// deadline: net/http then reads the connection in the background to notice a client
// that leaves, and a deadline hit there would cancel a long poll that is still
// wanted. A read cut by the deadline is errSlowBody (408).
type bodyGuard struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	ended   atomic.Bool
}

func (b *bodyGuard) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.ended.Store(true)
		b.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("%w: the body did not arrive within %s", errSlowBody, b.timeout)
	}
	return n, err
}

// closeUnread marks the answer "Connection: close" when the handler answers without
// having read the whole body (a refusal decided from the headers, such as a 401),
// and ends the body's read deadline. Otherwise net/http would read the rest of the
// body before sending the answer, and again after it, so a body sent a byte at a
// time would hold the refusal back, then the connection, for as long as it lasts.
type closeUnread struct {
	http.ResponseWriter
	body    *bodyGuard
	started bool
}

func (c *closeUnread) mark() {
	if c.started {
		return
	}
	c.started = true
	if !c.body.ended.Load() {
		c.Header().Set("Connection", "close")
		c.body.rc.SetReadDeadline(time.Now())
	}
}

func (c *closeUnread) WriteHeader(code int) {
	c.mark()
	c.ResponseWriter.WriteHeader(code)
}

func (c *closeUnread) Write(b []byte) (int, error) {
	c.mark()
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (c *closeUnread) Unwrap() http.ResponseWriter { return c.ResponseWriter }
