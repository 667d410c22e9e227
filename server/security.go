package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// mountSecurity installs the security layer, outermost first: the header policy, so
// that every answer carries it, refusals included; the path check (paths.go), so that
// every later check sees the path the router routes on; the Host check (hosts.go),
// before the token so that a rebound page learns nothing, not even that a token is
// needed; the access token; the cross-origin check; read-only mode. mountMiddleware
// calls it after the recoverer, so a panic in here still becomes a JSON 500.
func (s *Server) mountSecurity(r chi.Router) {
	r.Use(securityHeaders, s.rejectOddPath, s.checkHost(), s.requireToken(newTokenAuth(s.cfg.Token)),
		s.rejectCrossOrigin(), s.enforceReadOnly)
}

// Refusals of the security layer. They leave in the one JSON error shape with the
// status and code of their row in securityRows.
var (
	// errUnauthorized: the token is missing or wrong.
	errUnauthorized = errors.New("unauthorized")
	// errCrossOrigin: a browser sent a request that changes something from another
	// site's page.
	errCrossOrigin = errors.New("cross-origin request")
	// errSignInLimited: the client's IP gave too many wrong tokens lately
	// (ratelimit.go).
	errSignInLimited = errors.New("too many failed sign-ins")
	// errBadPath: the path has escapes the router would read differently from the
	// checks, or dot segments (paths.go).
	errBadPath = errors.New("bad path")
	// errHostNotAllowed: the Host header names none of the names this server
	// answers to (DNS rebinding, hosts.go).
	errHostNotAllowed = errors.New("host not allowed")
)

// securityRows gives the security layer's own refusals their status and code, in
// errorTable's shape. (errReadOnly is already a row of errorTable.)
func securityRows() []errorRow {
	return []errorRow{
		{errUnauthorized, http.StatusUnauthorized, "unauthorized"},
		{errCrossOrigin, http.StatusForbidden, "cross_origin"},
	}
}

// securityRow is err's row: securityRows first, then the server's error table.
func securityRow(err error) errorRow {
	for _, row := range securityRows() {
		if errors.Is(err, row.target) {
			return row
		}
	}
	return classify(err)
}

// machinePath reports whether path is answered to programs (the API, the
// WebSocket, metrics), which get JSON errors, rather than to people, who get a page.
func machinePath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/") || path == "/ws" || path == "/metrics"
}

// refuse answers a request the security layer turns away: the JSON error shape on
// machine paths, a small page with title and the message on browser paths.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, title string, err error) {
	row := securityRow(err)
	if machinePath(r.URL.Path) {
		writeErrorBody(w, row, err.Error())
		return
	}
	s.render(w, r, row.status, messagePage(s.layout(title), title, err.Error()))
}

// safeMethod reports whether method only reads: GET, HEAD and OPTIONS change
// nothing on this server, so read-only mode and the cross-origin check let them by.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
