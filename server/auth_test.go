package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

const testToken = "s3cret-token-for-tests"

// TestAuthAPIBearer: with a token, the API answers 401 in the JSON shape without
// it or with a wrong one, and serves with "Authorization: Bearer T" (any case).
func TestAuthAPIBearer(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken}, cluster.Options{})
	resp, body := e.do("GET", "/api/pool", "")
	wantJSONError(t, "no token", resp, body, http.StatusUnauthorized, "unauthorized", "Authorization: Bearer")
	if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="gocluster"` {
		t.Errorf("WWW-Authenticate %q", got)
	}
	resp, body = e.do("GET", "/api/pool", "", "Authorization: Bearer nope")
	wantJSONError(t, "wrong token", resp, body, http.StatusUnauthorized, "unauthorized", "wrong token")
	resp, body = e.do("GET", "/api/pool", "", "Authorization: Bearer "+testToken+"x")
	wantJSONError(t, "longer token", resp, body, http.StatusUnauthorized, "unauthorized", "wrong token")
	resp, body = e.do("GET", "/api/pool", "", "Authorization: Basic "+testToken)
	wantJSONError(t, "basic scheme", resp, body, http.StatusUnauthorized, "unauthorized")
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		resp, body = e.do("GET", "/api/pool", "", "Authorization: "+scheme+" "+testToken)
		wantStatus(t, scheme, resp, body, http.StatusOK)
	}
	resp, body = e.do("POST", "/api/batches?wait=90s", `{"kind":"fib","inputs":[12]}`,
		"Authorization: Bearer "+testToken, "Content-Type: application/json")
	wantStatus(t, "submit with token", resp, body, http.StatusCreated)
	resp, body = e.do("POST", "/api/batches", `{"kind":"fib","inputs":[12]}`, "Content-Type: application/json")
	wantJSONError(t, "submit without token", resp, body, http.StatusUnauthorized, "unauthorized")
	resp, body = e.do("GET", "/api/pool?token="+testToken, "")
	wantJSONError(t, "?token= on the API", resp, body, http.StatusUnauthorized, "unauthorized", "Authorization")
}

// TestAuthPublicPaths: /healthz, the login page and the static assets never need
// the token; /metrics needs it unless MetricsPublic.
func TestAuthPublicPaths(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken}, cluster.Options{Workers: -1})
	for _, p := range []string{"/healthz", "/login", "/static/css/app.css"} {
		resp, body := e.do("GET", p, "")
		wantStatus(t, p, resp, body, http.StatusOK)
	}
	resp, body := e.do("GET", "/metrics", "")
	wantJSONError(t, "/metrics", resp, body, http.StatusUnauthorized, "unauthorized")
	resp, body = e.do("GET", "/metrics", "", "Authorization: Bearer "+testToken)
	wantStatus(t, "/metrics with token", resp, body, http.StatusOK)

	for _, p := range []string{"/static/../api/pool", "/static/%2e%2e/api/pool", "/static%2F..%2Fapi/pool", "/login/../api/pool"} {
		resp, body := e.do("GET", p, "")
		if resp.StatusCode == http.StatusOK || strings.Contains(body, "workers") {
			t.Errorf("%s passed the token check: %d %.200s", p, resp.StatusCode, body)
		}
	}

	pub := startSecEnv(t, Config{Token: testToken, MetricsPublic: true}, cluster.Options{Workers: -1})
	resp, body = pub.do("GET", "/metrics", "")
	wantStatus(t, "public /metrics", resp, body, http.StatusOK)
	resp, body = pub.do("GET", "/api/pool", "")
	wantJSONError(t, "API with public metrics", resp, body, http.StatusUnauthorized, "unauthorized")
}

// TestAuthBrowserLogin walks a browser through: every page shows the login form
// with 401; ?token=wrong says so; ?token=T sets the cookie and redirects to the same
// URL without the token; the cookie then opens pages, the API and forms.
func TestAuthBrowserLogin(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken}, cluster.Options{})
	for _, p := range []string{"/", "/batches/b1", "/demos"} {
		resp, body := e.do("GET", p, "")
		wantLoginPage(t, p, resp, body, "")
	}
	resp, body := e.do("GET", "/?token=wrong", "")
	wantLoginPage(t, "wrong token", resp, body, "Wrong token")

	resp, body = e.do("GET", "/batches/b1?x=1&token="+url.QueryEscape(testToken), "")
	wantStatus(t, "sign in", resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/batches/b1?x=1" {
		t.Errorf("redirect to %q, want /batches/b1?x=1", loc)
	}
	c := signInCookie(t, resp)
	resp, body = e.do("GET", "/login?token="+url.QueryEscape(testToken), "")
	wantStatus(t, "sign in from /login", resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("sign-in from /login redirects to %q, want /", loc)
	}

	resp, body = e.do("GET", "/", "", "Cookie: "+c.String())
	wantStatus(t, "panel with cookie", resp, body, http.StatusOK)
	resp, body = e.do("GET", "/api/pool", "", "Cookie: "+c.String())
	wantStatus(t, "API with cookie", resp, body, http.StatusOK)
	resp, body = e.do("POST", "/ui/pool/scale", "size=2", "Cookie: "+c.String(),
		"Content-Type: application/x-www-form-urlencoded")
	wantStatus(t, "form with cookie", resp, body, http.StatusSeeOther)
	if n := e.c.Size(); n != 2 {
		t.Errorf("pool size %d after the form, want 2", n)
	}
	resp, body = e.do("POST", "/ui/pool/scale", "size=3", "Content-Type: application/x-www-form-urlencoded")
	wantLoginPage(t, "form without cookie", resp, body, "")
	if n := e.c.Size(); n != 2 {
		t.Errorf("pool size %d after a refused form, want 2", n)
	}
}

// signInCookie returns the token cookie resp sets and checks its attributes.
func signInCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name != tokenCookie {
			continue
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Errorf("cookie attributes: HttpOnly=%v SameSite=%v Path=%q", c.HttpOnly, c.SameSite, c.Path)
		}
		if strings.Contains(c.Value, testToken) {
			t.Errorf("the cookie carries the token itself")
		}
		return &http.Cookie{Name: c.Name, Value: c.Value}
	}
	t.Fatalf("no %s cookie in %v", tokenCookie, resp.Header["Set-Cookie"])
	return nil
}

// wantLoginPage checks a 401 with the login form, and its error text if want is set.
func wantLoginPage(t *testing.T, what string, resp *http.Response, body, want string) {
	t.Helper()
	wantStatus(t, what, resp, body, http.StatusUnauthorized)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: parse page: %v", what, err)
	}
	if doc.Find("#login-form input[name=token]").Length() != 1 {
		t.Fatalf("%s: no login form in %.300s", what, body)
	}
	if got := doc.Find("#form-error").Text(); !strings.Contains(got, want) {
		t.Errorf("%s: form error %q, want %q", what, got, want)
	}
}

// TestAuthCookieOfAnotherToken: a cookie made for another token (the server was
// restarted with a new one) or made up does not open anything.
func TestAuthCookieOfAnotherToken(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken}, cluster.Options{Workers: -1})
	old := newTokenAuth("the-old-token")
	for _, v := range []string{old.cookie, testToken, "", strings.Repeat("a", 64)} {
		resp, body := e.do("GET", "/api/pool", "", "Cookie: "+tokenCookie+"="+v)
		wantJSONError(t, "cookie "+v, resp, body, http.StatusUnauthorized, "unauthorized")
	}
}

// TestAuthWebSocket: /ws without the token is a JSON 401 before any upgrade; with
// the bearer header or the cookie it streams.
func TestAuthWebSocket(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken}, cluster.Options{Workers: -1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, e.wsURL(""), &websocket.DialOptions{HTTPClient: e.ts.Client()})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial without token: err %v, resp %v; want 401", err, resp)
	}
	conn := secDialWS(t, e, http.Header{"Authorization": {"Bearer " + testToken}})
	conn.CloseNow()
	resp, body := e.do("GET", "/?token="+testToken, "")
	wantStatus(t, "sign in", resp, body, http.StatusSeeOther)
	c := signInCookie(t, resp)
	conn = secDialWS(t, e, http.Header{"Cookie": {c.String()}})
	conn.CloseNow()
}

// TestAuthRedirectStaysLocal: the sign-in redirect never leaves the site, whatever
// the path looks like.
func TestAuthRedirectStaysLocal(t *testing.T) {
	cases := map[string]string{
		"/?token=T":                   "/",
		"/demos?token=T":              "/demos",
		"/batches/a%2Fb?token=T&z=1":  "/batches/a%2Fb?z=1",
		"//evil.example/x?token=T":    "/",
		"/%5Cevil.example?token=T":    "/%5Cevil.example",
		"/?token=T&token=U&keep=a+b":  "/?keep=a+b",
		"/batches/1?next=//x&token=T": "/batches/1?next=%2F%2Fx",
	}
	for in, want := range cases {
		u, err := url.ParseRequestURI(in)
		if err != nil {
			t.Fatalf("parse %q: %v", in, err)
		}
		if got := withoutToken(u); got != want {
			t.Errorf("withoutToken(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAuthSameSum: the comparison accepts exactly the token, whatever the lengths.
func TestAuthSameSum(t *testing.T) {
	a := newTokenAuth(testToken)
	for _, guess := range []string{"", "s", testToken[:len(testToken)-1], testToken + " ", strings.ToUpper(testToken)} {
		if sameSum(guess, a.tokenSum) {
			t.Errorf("%q accepted", guess)
		}
	}
	if !sameSum(testToken, a.tokenSum) {
		t.Error("the token itself is refused")
	}
	if newTokenAuth("") != nil {
		t.Error("an empty token should disable the check")
	}
}
