package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("%w: size 99", cluster.ErrInvalid), 400, "invalid_input"},
		{fmt.Errorf("parse: %w", jobs.ErrInvalidInput), 400, "invalid_input"},
		{jobs.ErrUnknownKind, 400, "invalid_input"},
		{fmt.Errorf("%w: field", errBadJSON), 400, "bad_json"},
		{fmt.Errorf("%w: no worker 9", cluster.ErrNotFound), 404, "not_found"},
		{fmt.Errorf("%w: full", cluster.ErrQueueFull), 429, "queue_full"},
		{cluster.ErrClosed, 503, "shutting_down"},
		{errUnavailable, 503, "unavailable"},
		{&http.MaxBytesError{Limit: 10}, 413, "body_too_large"},
		{fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}), 413, "body_too_large"},
		{errTooLarge, 413, "body_too_large"},
		{errUnsupportedMedia, 415, "unsupported_media_type"},
		{errConflict, 409, "conflict"},
		{errReadOnly, 403, "read_only"},
		{errMethodNotAllowed, 405, "method_not_allowed"},
		{errEventsGone, 410, "events_gone"},
		{errors.New("disk on fire"), 500, "internal"},
	} {
		row := classify(c.err)
		if row.status != c.status || row.code != c.code || statusOf(c.err) != c.status {
			t.Errorf("classify(%v) = %d %q, want %d %q", c.err, row.status, row.code, c.status, c.code)
		}
	}
}

func TestWriteErrorShape(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/api/x", nil)
	writeError(rec, r, fmt.Errorf("%w: 3 jobs waiting", cluster.ErrQueueFull))
	var e apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 429 || e.Error.Code != "queue_full" || !strings.Contains(e.Error.Message, "3 jobs waiting") {
		t.Fatalf("got %d %+v", rec.Code, e)
	}
	if rec.Header().Get("Retry-After") == "" || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", rec.Header())
	}
}

// TestInternalErrorsAreLoggedNotShown: the client learns only the request id; the
// log has the error.
func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	var log strings.Builder
	s := &Server{cfg: Config{Logger: slogTo(&log)}.withDefaults()}
	h := s.requestIDs()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, errors.New("secret path /etc/x failed"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/x", nil))
	body := rec.Body.String()
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != 500 || strings.Contains(body, "secret") || !strings.Contains(body, id) {
		t.Fatalf("got %d %s (request id %s)", rec.Code, body, id)
	}
	if !strings.Contains(log.String(), "secret path") || !strings.Contains(log.String(), id) {
		t.Fatalf("log lacks the error or the id: %s", log.String())
	}
	if userMessage(errors.New("secret")) == "secret" {
		t.Fatal("userMessage shows an internal error")
	}
}

// TestErrorTableCodesUnique: one code per meaning, so clients can switch on codes.
func TestErrorTableCodesUnique(t *testing.T) {
	status := map[string]int{}
	for _, row := range errorTable() {
		if s, ok := status[row.code]; ok && s != row.status {
			t.Errorf("code %q has statuses %d and %d", row.code, s, row.status)
		}
		status[row.code] = row.status
		if row.status < 400 || row.status > 599 {
			t.Errorf("code %q has status %d", row.code, row.status)
		}
	}
}

// TestMarshalTextKeepsAngleBrackets: the WebSocket's messages, like the HTTP
// answers, write "a > b" as it is, not "a \u003e b" (json.Marshal escapes HTML).
func TestMarshalTextKeepsAngleBrackets(t *testing.T) {
	b, err := marshalText(map[string]any{"error": "100001 > 100000 & <x>", "message": json.RawMessage(`"a>b"`)})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"error":"100001 > 100000 & <x>","message":"a>b"}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}
