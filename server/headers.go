package server

import "net/http"

// contentSecurityPolicy allows only this server's own scripts, styles, images (plus
// data: images), fetches and WebSocket, no inline script or style, no framing, no
// <base> and forms that post only here. The pages are built for it: templ renders
// no inline script and the browser code lives in /static/js.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
	"form-action 'self'"

// referrerPolicy sends the Referer to this server only, never to another site. Not
// "no-referrer": the no-JavaScript forms answer with a redirect back to the page they
// were posted from, which they learn from the Referer (see backPath).
const referrerPolicy = "same-origin"

// securityHeaders sets the response headers every answer carries, refusals and
// errors included, before the rest of the chain runs: so a page that an attacker
// frames, sniffs or injects into gets the browser's protection whatever handler
// wrote it.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", referrerPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
