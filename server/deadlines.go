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
// polls and the WebSocket, so the deadlines are set here, per request. The write
// deadline (Config.WriteTimeout) starts when the answer does, not with the request:
// a long poll's wait, or a big list built on a busy machine, is not time the client
// spends reading, and counting it cut honest answers short. The NDJSON export
// extends its deadline per chunk; the WebSocket keeps its own per-write timeout
// (ws.go).
func (s *Server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" && r.ContentLength == 0 {
			// A handshake: the stream keeps its own per-write timeout. One that
			// comes with a body (a length, or chunked: -1) is no handshake, and
			// gets the body deadline like any other request.
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w) // ErrNotSupported in tests' recorders
		aw := &answerWriter{ResponseWriter: w, rc: rc, timeout: s.cfg.WriteTimeout}
		if r.ContentLength != 0 {
			rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
			aw.body = &bodyGuard{ReadCloser: r.Body, rc: rc, timeout: s.cfg.BodyTimeout}
			r.Body = aw.body
		}
		next.ServeHTTP(aw, r)
	})
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

// answerWriter starts the write deadline when the answer starts. When the handler
// answers without having read the whole body (a refusal decided from the headers,
// such as a 401), it also marks the answer "Connection: close" and ends the body's
// read deadline: otherwise net/http would read the rest of the body before sending
// the answer, and again after it, so a body sent a byte at a time would hold the
// refusal back, then the connection, for as long as it lasts.
type answerWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	body    *bodyGuard // nil without a body
	started bool
}

func (a *answerWriter) start() {
	if a.started {
		return
	}
	a.started = true
	a.rc.SetWriteDeadline(time.Now().Add(a.timeout))
	if a.body != nil && !a.body.ended.Load() {
		a.Header().Set("Connection", "close")
		a.body.rc.SetReadDeadline(time.Now())
	}
}

func (a *answerWriter) WriteHeader(code int) {
	a.start()
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerWriter) Write(b []byte) (int, error) {
	a.start()
	return a.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (a *answerWriter) Unwrap() http.ResponseWriter { return a.ResponseWriter }
