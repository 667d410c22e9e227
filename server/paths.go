package server

import (
	"fmt"
	"net/http"
	"strings"
)

// rejectOddPath returns the middleware that refuses, with 400, a path the checks and
// the router could read differently. The security layer decides on r.URL.Path, the
// decoded path; chi routes on r.URL.RawPath when it is set. The two differ exactly
// when the request escaped what needs no escape ("/%73tatic/../api/pool" is
// "/static/../api/pool" to the token check, which lets /static/ through, and
// something else to the router). Dot segments are refused too: nothing here serves
// them, and a proxy or a later router might resolve them. No page, API path or
// asset of this server needs either, so refusing costs nothing.
func (s *Server) rejectOddPath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawPath != "" || hasDotSegment(r.URL.Path) {
			s.refuse(w, r, "Bad path", fmt.Errorf("%w: %q has escapes or \".\" or \"..\" segments; "+
				"ask for the plain path", errBadPath, clip(r.URL.EscapedPath())))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hasDotSegment reports whether path has a "." or ".." segment.
func hasDotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
