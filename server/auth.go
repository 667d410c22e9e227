package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gocluster/gocluster/web"
)

// tokenCookie holds a browser's proof that it was given the token.
const tokenCookie = "gocluster_token"

// tokenAuth checks the access token. It keeps digests, not the token: comparing
// SHA-256 sums in constant time shows neither the token's length nor how much of a
// guess was right. The cookie carries a value derived from the token, so a cookie
// read off a disk or a proxy does not reveal the token itself (which may be reused
// for other things), and changing -token signs every browser out.
type tokenAuth struct {
	tokenSum  [32]byte // SHA-256 of the token
	cookie    string   // the cookie's value: HMAC-SHA256(token, cookieLabel), hex
	cookieSum [32]byte // SHA-256 of cookie
}

// cookieLabel is the message the cookie value is the HMAC of.
const cookieLabel = "gocluster session cookie v1"

// newTokenAuth returns nil when token is empty: no token, no check.
func newTokenAuth(token string) *tokenAuth {
	if token == "" {
		return nil
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(cookieLabel))
	cookie := hex.EncodeToString(mac.Sum(nil))
	return &tokenAuth{tokenSum: sha256.Sum256([]byte(token)), cookie: cookie,
		cookieSum: sha256.Sum256([]byte(cookie))}
}

// sameSum reports, in constant time, whether got hashes to want.
func sameSum(got string, want [32]byte) bool {
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], want[:]) == 1
}

// credential is what a request shows of the token.
type credential int

const (
	credNone  credential = iota // no bearer token, and no cookie of this token
	credWrong                   // a bearer token that is not the token
	credOK                      // the token, or its cookie
)

// check looks at the request's bearer token and cookie; either suffices. A cookie of
// an older token counts as none: the browser is simply signed out.
func (a *tokenAuth) check(r *http.Request) credential {
	cred := credNone
	if t, ok := bearerToken(r); ok {
		if sameSum(t, a.tokenSum) {
			return credOK
		}
		cred = credWrong
	}
	if c, err := r.Cookie(tokenCookie); err == nil && sameSum(c.Value, a.cookieSum) {
		return credOK
	}
	return cred
}

// cookieOK reports whether r carries the right cookie.
func (a *tokenAuth) cookieOK(r *http.Request) bool {
	c, err := r.Cookie(tokenCookie)
	return err == nil && sameSum(c.Value, a.cookieSum)
}

// bearerToken is the token of an "Authorization: Bearer T" header (scheme in any
// case, RFC 6750).
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// requireToken returns the middleware that demands the token (nil a: none). A
// browser signs in by opening any page with ?token=T: the middleware sets the cookie
// and redirects to the same URL without the token, so it does not stay in the
// address bar, the history or a bookmark. Failed sign-ins are rate limited per
// client IP (ratelimit.go).
func (s *Server) requireToken(a *tokenAuth) func(http.Handler) http.Handler {
	lim := newFailureLimiter()
	return func(next http.Handler) http.Handler {
		if a == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t, signIn := signInToken(r)
			switch {
			case !signIn && s.publicPath(r.URL.Path):
				next.ServeHTTP(w, r)
			case !signIn && a.cookieOK(r):
				// A signed-in browser passes even from a limited IP: its cookie is
				// 256 bits, not worth guessing, so someone else's failed guesses
				// from a shared address must not lock the operator out.
				next.ServeHTTP(w, r)
			case s.limited(w, r, lim):
			case signIn:
				s.signIn(w, r, a, lim, t)
			default:
				s.authorize(w, r, a, lim, next)
			}
		})
	}
}

// authorize serves r when its bearer token or cookie is right, and otherwise
// answers 401, counting a wrong bearer token as a failed sign-in of its IP. A wrong
// cookie is not counted: it is an HMAC of the token (256 bits, guessing it is
// hopeless), and a browser left with an old one after a token change would
// otherwise lock its own address out with its reconnects.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, a *tokenAuth, lim *failureLimiter, next http.Handler) {
	cred := a.check(r)
	if cred == credOK {
		next.ServeHTTP(w, r)
		return
	}
	if cred == credWrong {
		lim.fail(limiterKey(r))
	}
	s.unauthorized(w, r, cred == credWrong)
}

// limited answers 429, with Retry-After, a request that shows credentials from an
// IP that has used up its failed sign-ins; they are not checked, so guessing gets no
// answer. A request showing none passes on to its 401. Public paths are not limited
// (but a sign-in through /login is): the blocked browser still gets its stylesheet.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, lim *failureLimiter) bool {
	if !showsCredentials(r) {
		return false
	}
	left, blocked := lim.blocked(limiterKey(r))
	if !blocked {
		return false
	}
	secs := int(math.Ceil(left.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.refuse(w, r, "Too many failed sign-ins", fmt.Errorf("%w: %d wrong tokens from %s within %s; "+
		"try again in %d s", errSignInLimited, signInMaxFailures, limiterKey(r), signInWindow, secs))
	return true
}

// showsCredentials reports whether r carries a token to check. A cookie is not
// one: it is never guessed (see authorize), and a stale one, left by a token
// change, is no failed sign-in.
func showsCredentials(r *http.Request) bool {
	_, bearer := bearerToken(r)
	_, signIn := signInToken(r)
	return bearer || signIn
}

// publicPath reports whether path is served without the token: the health checks,
// metrics when Config.MetricsPublic, the login page, and the static assets (they
// ship inside the binary, hold no data, and the login page needs its stylesheet).
func (s *Server) publicPath(path string) bool {
	switch {
	case path == "/healthz", path == "/readyz", path == "/login":
		return true
	case path == "/metrics":
		return s.cfg.MetricsPublic
	}
	return strings.HasPrefix(path, web.StaticPrefix)
}

// signInToken is the ?token= of a GET or HEAD of a browser page. Machine paths do
// not take it: programs send the Authorization header, and a WebSocket handshake
// cannot follow the redirect.
func signInToken(r *http.Request) (string, bool) {
	if !safeMethod(r.Method) || r.Method == http.MethodOptions || machinePath(r.URL.Path) {
		return "", false
	}
	// Another site's page can make a browser open /?token=x (an <img>, a link):
	// such a sign-in is neither checked nor counted, so ten image tags cannot spend
	// the operator's failed sign-ins, nor guess by watching load and error events.
	// A link typed, pasted or opened from a terminal comes with "none" (or, from a
	// program, no header at all).
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return "", false
	}
	q := r.URL.Query()
	if !q.Has("token") {
		return "", false
	}
	return q.Get("token"), true
}

// signIn sets the cookie for the right token and redirects (303) to the URL without
// it (the panel, from the login page); a wrong one gets the login page again, with a
// message.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, a *tokenAuth, lim *failureLimiter, token string) {
	if !sameSum(token, a.tokenSum) {
		lim.fail(limiterKey(r))
		s.unauthorized(w, r, true)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: a.cookie, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: servedOverHTTPS(r)})
	w.Header().Set("Cache-Control", "no-store")
	target := withoutToken(r.URL)
	if r.URL.Path == "/login" {
		target = "/" // signed in: the form has done its job
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// servedOverHTTPS reports whether the browser reached us over TLS, directly or
// through a proxy that says so; the cookie is then marked Secure.
func servedOverHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// withoutToken is u's path and query without the token parameter. It is always a
// local path: one that a browser would read as another host ("//evil.example", or
// with a backslash) becomes "/".
func withoutToken(u *url.URL) string {
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, `\`) {
		p = "/"
	}
	q := u.Query()
	q.Del("token")
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

// unauthorized answers 401: the JSON error on machine paths, the login page for
// browsers. wrong says a token was given and is not the right one.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, wrong bool) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="gocluster"`)
	if machinePath(r.URL.Path) {
		msg := "this server needs its access token: send the header \"Authorization: Bearer <token>\""
		if wrong {
			msg = "wrong token: send the value given to -token (or GOCLUSTER_TOKEN)"
		}
		s.refuse(w, r, "Sign in", fmt.Errorf("%w: %s", errUnauthorized, msg))
		return
	}
	var v web.LoginView
	if wrong {
		v.Error = "Wrong token: check it and try again."
	}
	s.render(w, r, http.StatusUnauthorized, web.LoginPage(s.layout("Sign in"), v))
}
