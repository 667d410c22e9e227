package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
	"github.com/gocluster/gocluster/demos"
)

// Errors the server itself detects, beside the cluster's sentinels. Handlers wrap
// them with %w and a message for the person who sent the request; errorTable gives
// each its status and code.
var (
	// errBadJSON: the body is not the JSON the endpoint takes (malformed, wrong
	// type, unknown field, trailing data).
	errBadJSON = errors.New("bad JSON")
	// errTooLarge: the request body is larger than Config.MaxBody.
	errTooLarge = errors.New("body too large")
	// errUnsupportedMedia: the Content-Type is not one the endpoint reads.
	errUnsupportedMedia = errors.New("unsupported content type")
	// errConflict: the request clashes with work in progress (a second rolling
	// restart while one runs).
	errConflict = errors.New("conflict")
	// errReadOnly: the server runs read-only and the request would change something.
	errReadOnly = errors.New("read-only")
	// errMethodNotAllowed: the path exists but not with this method.
	errMethodNotAllowed = errors.New("method not allowed")
	// errEventsGone: the events after the asked seq are no longer retained.
	errEventsGone = errors.New("events gone")
	// errUnavailable: the server cannot take this request now (e.g. too many
	// WebSocket clients); trying later may work.
	errUnavailable = errors.New("unavailable")
)

// errorRow is one line of the error table: every error matching target (errors.Is)
// leaves with this status and code.
type errorRow struct {
	target error
	status int
	code   string
}

// errorTable is the one place that maps errors to HTTP statuses and JSON codes. The
// first matching row wins; an error matching none is a 500 "internal". docs/api.md
// lists every code (apidoc_test.go checks it).
func errorTable() []errorRow {
	return []errorRow{
		{errTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
		{errBadJSON, http.StatusBadRequest, "bad_json"},
		{cluster.ErrUnknownKind, http.StatusBadRequest, "unknown_kind"},
		{cluster.ErrInvalid, http.StatusBadRequest, "invalid_input"},
		{errBadPath, http.StatusBadRequest, "bad_path"}, // paths.go
		{jobs.ErrInvalidInput, http.StatusBadRequest, "invalid_input"},
		{jobs.ErrUnknownKind, http.StatusBadRequest, "invalid_input"},
		{errUnauthorized, http.StatusUnauthorized, "unauthorized"}, // security.go
		{errReadOnly, http.StatusForbidden, "read_only"},
		{errCrossOrigin, http.StatusForbidden, "cross_origin"},                 // security.go
		{errHostNotAllowed, http.StatusMisdirectedRequest, "host_not_allowed"}, // hosts.go
		{cluster.ErrNotFound, http.StatusNotFound, "not_found"},
		{errMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed"},
		{errSlowBody, http.StatusRequestTimeout, "request_timeout"}, // deadlines.go
		{errConflict, http.StatusConflict, "conflict"},
		{demos.ErrBusy, http.StatusConflict, "conflict"},
		{cluster.ErrPlainPrograms, http.StatusConflict, "no_protocol"},
		{errEventsGone, http.StatusGone, "events_gone"},
		{errUnsupportedMedia, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{cluster.ErrQueueFull, http.StatusTooManyRequests, "queue_full"},
		{errSignInLimited, http.StatusTooManyRequests, "sign_in_limited"}, // ratelimit.go
		{cluster.ErrClosed, http.StatusServiceUnavailable, "shutting_down"},
		{cluster.ErrStorage, http.StatusInsufficientStorage, "storage_full"},
		{errUnavailable, http.StatusServiceUnavailable, "unavailable"},
	}
}

// classify finds err's row. A *http.MaxBytesError counts as errTooLarge wherever it
// comes from, so no handler can turn an oversized body into a 500.
func classify(err error) errorRow {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = errTooLarge
	}
	for _, row := range errorTable() {
		if errors.Is(err, row.target) {
			return row
		}
	}
	return errorRow{status: http.StatusInternalServerError, code: "internal"}
}

// statusOf is the HTTP status err leaves with.
func statusOf(err error) int { return classify(err).status }

// userMessage is the message shown for err: its own text, except for internal errors,
// whose details may leak implementation and go to the log instead.
func userMessage(err error) string {
	if classify(err).status == http.StatusInternalServerError {
		return "internal error; the server log has the details"
	}
	return err.Error()
}

// apiError is the JSON error shape: {"error":{"code":"...","message":"..."}}.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Run is the primary's current run, on events_gone answers (api_events.go).
	Run string `json:"run,omitempty"`
}

// writeError answers with err's status and the JSON error shape. Internal errors are
// logged with the request id; the client gets a generic message naming that id.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	row := classify(err)
	msg := userMessage(err)
	if row.status == http.StatusInternalServerError {
		loggerFrom(r).Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = internalMessage(r)
	}
	if row.target == cluster.ErrQueueFull {
		w.Header().Set("Retry-After", "1")
	}
	body := apiErrorBody{Code: row.code, Message: msg}
	if re := (*runError)(nil); errors.As(err, &re) {
		body.Run = re.run
	}
	writeErrorJSON(w, row.status, body)
}

// internalMessage is what a client is told about an internal error: nothing but the
// request id to look up in the log.
func internalMessage(r *http.Request) string {
	return fmt.Sprintf("internal error (request %s); the server log has the details", requestIDFrom(r))
}

// writeErrorBody writes the JSON error shape without looking at any error: the
// recoverer uses it after logging a panic itself.
func writeErrorBody(w http.ResponseWriter, row errorRow, msg string) {
	writeErrorJSON(w, row.status, apiErrorBody{Code: row.code, Message: msg})
}

// writeErrorJSON writes the JSON error shape with body.
func writeErrorJSON(w http.ResponseWriter, status int, body apiErrorBody) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// As in writeJSON: "100001 > 100000" stays readable, not "\u003e" (the answer is
	// JSON and says so, with nosniff: no browser runs it as HTML).
	enc.SetEscapeHTML(false)
	enc.Encode(apiError{Error: body})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
