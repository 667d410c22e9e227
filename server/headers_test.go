package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/gocluster/gocluster/cluster"
)

// wantHeaders are the headers every response must carry.
func wantHeaders() map[string]string {
	return map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
}

// TestHeadersEverywhere: pages, API answers, errors, assets, redirects and the
// security layer's own refusals all carry the header policy.
func TestHeadersEverywhere(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken, ReadOnly: true}, cluster.Options{Workers: -1})
	auth := "Authorization: Bearer " + testToken
	cases := []struct {
		method, path string
		headers      []string
		status       int
	}{
		{"GET", "/", []string{auth}, 200},
		{"GET", "/api/pool", []string{auth}, 200},
		{"GET", "/healthz", nil, 200},
		{"GET", "/static/css/app.css", nil, 200},
		{"GET", "/api/nope", []string{auth}, 404},
		{"GET", "/ws", []string{auth}, 426},
		{"GET", "/api/pool", nil, 401},
		{"GET", "/", nil, 401},
		{"GET", "/?token=" + testToken, nil, 303},
		{"PUT", "/api/pool", []string{auth}, 403},
		{"POST", "/api/batches", []string{auth, "Sec-Fetch-Site: cross-site"}, 403},
	}
	for _, c := range cases {
		resp, body := e.do(c.method, c.path, "", c.headers...)
		what := c.method + " " + c.path
		wantStatus(t, what, resp, body, c.status)
		for name, want := range wantHeaders() {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", what, name, got, want)
			}
		}
	}
}

// TestHeadersPagesFitTheCSP: the pages need nothing the policy forbids: no inline
// script, no inline style attribute, no event-handler attribute, no foreign source.
func TestHeadersPagesFitTheCSP(t *testing.T) {
	e := startSecEnv(t, Config{Token: testToken}, cluster.Options{})
	auth := "Authorization: Bearer " + testToken
	resp, body := e.do("POST", "/api/batches?wait=90s", `{"kind":"fib","inputs":[5,6]}`, auth)
	wantStatus(t, "submit", resp, body, http.StatusCreated)
	id := resp.Header.Get("Location")
	id = id[strings.LastIndex(id, "/")+1:]
	for _, p := range []string{"/", "/batches/" + id, "/demos", "/login"} {
		resp, body := e.do("GET", p, "", auth)
		wantStatus(t, p, resp, body, http.StatusOK)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: parse: %v", p, err)
		}
		if n := doc.Find("script:not([src]), style, [style]").Length(); n > 0 {
			t.Errorf("%s: %d inline scripts or styles, which the CSP blocks", p, n)
		}
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: inline handler %s=%q, which the CSP blocks", p, a.Key, a.Val)
				}
			}
		})
		doc.Find("[src], link[href]").Each(func(_ int, s *goquery.Selection) {
			src := s.AttrOr("src", s.AttrOr("href", ""))
			if !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") {
				t.Errorf("%s: %q is not from this server", p, src)
			}
		})
	}
}
