package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// TestCSRFAPI: a change sent by a browser from another site's page is refused with
// 403 cross_origin, before it reaches the pool; the same change from the panel's own
// page, or from curl (no Origin, no Sec-Fetch-Site), goes through.
func TestCSRFAPI(t *testing.T) {
	e := startSecEnv(t, Config{}, cluster.Options{Workers: -1})
	host := strings.TrimPrefix(e.url, "http://")
	refused := [][]string{
		{"Sec-Fetch-Site: cross-site"},
		{"Sec-Fetch-Site: same-site"},
		{"Sec-Fetch-Site: cross-site", "Origin: " + e.url},
		{"Origin: http://evil.example"},
		{"Origin: http://" + host + ".evil.example"},
		{"Origin: null"},
	}
	for _, h := range refused {
		resp, body := e.do("PUT", "/api/pool", `{"size":2}`, append(h, "Content-Type: application/json")...)
		wantJSONError(t, strings.Join(h, ", "), resp, body, http.StatusForbidden, "cross_origin", "another site")
	}
	if n := e.c.Size(); n != 0 {
		t.Fatalf("pool size %d after refused requests, want 0", n)
	}
	allowed := [][]string{
		{},
		{"Sec-Fetch-Site: same-origin"},
		{"Sec-Fetch-Site: none"},
		{"Origin: " + e.url},
		{"Sec-Fetch-Site: same-origin", "Origin: " + e.url},
	}
	for i, h := range allowed {
		body := `{"size":` + strconv.Itoa(1+i%2) + `}`
		resp, b := e.do("PUT", "/api/pool", body, append(h, "Content-Type: application/json")...)
		if resp.StatusCode >= 300 {
			t.Errorf("%v: status %d: %s", h, resp.StatusCode, b)
		}
	}
	resp, body := e.do("GET", "/api/pool", "", "Sec-Fetch-Site: cross-site", "Origin: http://evil.example")
	wantStatus(t, "cross-site GET", resp, body, http.StatusOK)
}

// TestCSRFForms: the no-JavaScript forms refuse a cross-site post with a small
// page, and take the panel's own.
func TestCSRFForms(t *testing.T) {
	e := startSecEnv(t, Config{}, cluster.Options{Workers: -1})
	form := "Content-Type: application/x-www-form-urlencoded"
	resp, body := e.do("POST", "/ui/pool/scale", "size=2", form, "Sec-Fetch-Site: cross-site",
		"Origin: http://evil.example")
	wantStatus(t, "cross-site form", resp, body, http.StatusForbidden)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "another site") {
		t.Errorf("refusal is not the small page: %s %.300s", resp.Header.Get("Content-Type"), body)
	}
	if n := e.c.Size(); n != 0 {
		t.Fatalf("pool size %d after a refused form, want 0", n)
	}
	resp, body = e.do("POST", "/ui/pool/scale", "size=1", form, "Sec-Fetch-Site: same-origin", "Origin: "+e.url)
	wantStatus(t, "same-origin form", resp, body, http.StatusSeeOther)
	if n := e.c.Size(); n != 1 {
		t.Errorf("pool size %d after the form, want 1", n)
	}
}

// TestCSRFWebSocketOrigin: the WebSocket refuses a handshake from another site's
// page with 403 (websocket.Accept's check) and takes one from its own.
func TestCSRFWebSocketOrigin(t *testing.T) {
	e := startSecEnv(t, Config{}, cluster.Options{Workers: -1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, e.wsURL(""), &websocket.DialOptions{HTTPClient: e.ts.Client(),
		HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign Origin: err %v, resp %v; want 403", err, resp)
	}
	conn := secDialWS(t, e, http.Header{"Origin": {e.url}})
	conn.CloseNow()
}
