package server

import (
	"fmt"
	"net/http"
)

// enforceReadOnly refuses, with 403, every request that could change something
// (any method but GET, HEAD and OPTIONS) when the server runs with Config.ReadOnly:
// the API answers read_only in the JSON error shape, the forms a small page. The
// panel also hides its buttons, but that is a courtesy; this is the guarantee, and
// it holds for routes added later.
func (s *Server) enforceReadOnly(next http.Handler) http.Handler {
	if !s.cfg.ReadOnly {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		s.refuse(w, r, "Read-only", fmt.Errorf(
			"%w: this server runs with -read-only: it shows the pool but changes nothing, so %s %s is refused",
			errReadOnly, r.Method, clip(r.URL.Path)))
	})
}
