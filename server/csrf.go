package server

import (
	"fmt"
	"net/http"
)

// rejectCrossOrigin returns the middleware that refuses, with 403, a request that
// changes something (any method but GET, HEAD and OPTIONS) when a browser says it
// comes from another site's page: Sec-Fetch-Site is cross-site or same-site, or,
// from browsers too old to send that, Origin names another host than Host. Requests
// with neither header (curl, scripts) pass: they are not a browser acting for a
// visitor, which is what CSRF abuses. The rules are net/http's
// CrossOriginProtection; the refusal is ours, in the one error shape.
//
// The WebSocket is a GET and so passes here; websocket.Accept checks its Origin.
func (s *Server) rejectCrossOrigin() func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := cop.Check(r); err != nil {
				s.refuse(w, r, "Cross-origin request refused", fmt.Errorf(
					"%w: %s %s came from another site's page (%v); this server only takes changes "+
						"from its own pages, or from programs that send no Origin", errCrossOrigin,
					r.Method, clip(r.URL.Path), err))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
