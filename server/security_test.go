package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// secEnv is a real server on 127.0.0.1 in front of a real pool, for the security,
// fault and load tests. Its client never follows redirects, so tests see the 303s.
type secEnv struct {
	t      *testing.T
	c      *cluster.Cluster
	s      *Server
	ts     *httptest.Server
	url    string
	client *http.Client
}

// startSecEnv starts the pool (one worker unless opts says otherwise), the server
// and the listener, and stops all three, in reverse order, when the test ends.
func startSecEnv(t *testing.T, cfg Config, opts cluster.Options) *secEnv {
	t.Helper()
	if opts.Workers == 0 {
		opts.Workers = 1
	}
	if opts.Output == nil {
		opts.Output = testLog{t}
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	if cfg.Logger == nil {
		cfg.Logger = opts.Logger
	}
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatalf("start pool: %v", err)
	}
	t.Cleanup(func() { secClosePool(t, c) })
	s := New(c, cfg)
	t.Cleanup(s.Close)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	client := *ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 2 * time.Minute // above the 90 s long polls some tests make
	return &secEnv{t: t, c: c, s: s, ts: ts, url: ts.URL, client: &client}
}

// secClosePool closes the pool and checks that no worker is left.
func secClosePool(t *testing.T, c *cluster.Cluster) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Close(ctx); err != nil {
		t.Errorf("close pool: %v", err)
	}
	if n := len(c.Workers()); n != 0 {
		t.Errorf("%d workers left after close", n)
	}
}

// do sends a request with headers given as "Name: value" pairs and returns the
// response with its body read.
func (e *secEnv) do(method, path, body string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, string(b)
}

// wantStatus fails the test unless resp has status want.
func wantStatus(t *testing.T, what string, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: status %d, want %d; body: %.300s", what, resp.StatusCode, want, body)
	}
}

// wantJSONError checks the one JSON error shape, its status and code, and that the
// message contains each of parts.
func wantJSONError(t *testing.T, what string, resp *http.Response, body string, status int, code string, parts ...string) {
	t.Helper()
	wantStatus(t, what, resp, body, status)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%s: body is not the JSON error shape: %v: %s", what, err, body)
	}
	if e.Error.Code != code {
		t.Errorf("%s: code %q, want %q (message %q)", what, e.Error.Code, code, e.Error.Message)
	}
	for _, p := range parts {
		if !strings.Contains(e.Error.Message, p) {
			t.Errorf("%s: message %q does not say %q", what, e.Error.Message, p)
		}
	}
}

// TestSecurityOpenWithoutToken: with no token and no read-only mode, the loopback
// default, every page, API call and the WebSocket are open, and changes work.
func TestSecurityOpenWithoutToken(t *testing.T) {
	e := startSecEnv(t, Config{}, cluster.Options{})
	for _, p := range []string{"/", "/demos", "/api/pool", "/api/batches", "/metrics", "/healthz"} {
		resp, body := e.do("GET", p, "")
		wantStatus(t, "GET "+p, resp, body, http.StatusOK)
	}
	resp, body := e.do("POST", "/api/batches?wait=90s", `{"kind":"fib","inputs":[10,11]}`,
		"Content-Type: application/json")
	wantStatus(t, "POST /api/batches", resp, body, http.StatusCreated)
	if !strings.Contains(body, `"state":"done"`) {
		t.Errorf("list did not finish: %s", body)
	}
	conn := secDialWS(t, e, nil)
	defer conn.CloseNow()
}

// TestSecurityMachinePath pins which paths get JSON errors.
func TestSecurityMachinePath(t *testing.T) {
	cases := map[string]bool{
		"/api": true, "/api/pool": true, "/ws": true, "/metrics": true,
		"/": false, "/apiary": false, "/batches/x": false, "/ui/pool/scale": false, "/wsx": false,
	}
	for p, want := range cases {
		if got := machinePath(p); got != want {
			t.Errorf("machinePath(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestSecuritySafeMethod pins the methods that pass read-only mode and CSRF checks.
func TestSecuritySafeMethod(t *testing.T) {
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		if !safeMethod(m) {
			t.Errorf("%s should be safe", m)
		}
	}
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "PROPFIND", "get", ""} {
		if safeMethod(m) {
			t.Errorf("%q should not be safe", m)
		}
	}
}

// secDialWS opens /ws with the headers h, checks that the first message is the
// snapshot, and returns the connection; the caller closes it.
func secDialWS(t *testing.T, e *secEnv, h http.Header) *websocket.Conn {
	t.Helper()
	conn, _ := secDialWSSeq(t, e, h)
	return conn
}

// secDialWSSeq is secDialWS that also returns the snapshot's seq.
func secDialWSSeq(t *testing.T, e *secEnv, h http.Header) (*websocket.Conn, uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, e.wsURL(""), &websocket.DialOptions{HTTPHeader: h, HTTPClient: e.ts.Client()})
	if err != nil {
		t.Fatalf("dial /ws: %v", err)
	}
	_, msg, err := conn.Read(ctx)
	var snap struct {
		Type string `json:"type"`
		Seq  uint64 `json:"seq"`
	}
	if err == nil {
		err = json.Unmarshal(msg, &snap)
	}
	if err != nil || snap.Type != "snapshot" {
		conn.CloseNow()
		t.Fatalf("first message is not a snapshot: %v: %.200s", err, msg)
	}
	return conn, snap.Seq
}

// wsURL is the server's /ws URL with an optional query.
func (e *secEnv) wsURL(query string) string {
	u := "ws" + strings.TrimPrefix(e.url, "http") + "/ws"
	if query != "" {
		u += "?" + query
	}
	return u
}

// limitCase is one limit hit on purpose: what the client got.
type limitCase struct {
	name    string
	message string
}

// TestSecurityLimits hits each limit of a small server and checks the answer: the
// status, the code and a message that docs/limits.md quotes (numbers aside), so the
// document stays true.
func TestSecurityLimits(t *testing.T) {
	e := startSecEnv(t, Config{MaxBody: 1024, MaxWSClients: 1}, cluster.Options{Workers: -1, MaxWorkers: 4,
		Jobs: cluster.JobOptions{MaxPerBatch: 10, MaxQueued: 12}})
	var got []limitCase
	add := func(name string, resp *http.Response, body string, status int, code string) {
		t.Helper()
		var apiErr apiError
		wantStatus(t, name, resp, body, status)
		if err := json.Unmarshal([]byte(body), &apiErr); err != nil || apiErr.Error.Code != code {
			t.Fatalf("%s: want code %s: %v %s", name, code, err, body)
		}
		got = append(got, limitCase{name, apiErr.Error.Message})
	}
	json := "Content-Type: application/json"
	resp, body := e.do("POST", "/api/batches", `{"kind":"fib","inputs":[`+strings.Repeat("1,", 600)+`1]}`, json)
	add("request body", resp, body, http.StatusRequestEntityTooLarge, "body_too_large")
	resp, body = e.do("POST", "/api/batches", `{"kind":"fib","inputs":[`+strings.Repeat("1,", 10)+`1]}`, json)
	add("jobs per list", resp, body, http.StatusBadRequest, "invalid_input")
	resp, body = e.do("POST", "/api/batches", `{"kind":"fib","inputs":[10,51]}`, json)
	add("job input", resp, body, http.StatusBadRequest, "invalid_input")
	resp, body = e.do("GET", "/api/events?since=0&wait=6m", "")
	add("long poll", resp, body, http.StatusBadRequest, "invalid_input")
	e.submit("sleep", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	resp, body = e.do("POST", "/api/batches", `{"kind":"fib","inputs":[1,2,3]}`, json)
	add("total queued", resp, body, http.StatusTooManyRequests, "queue_full")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("queue_full without Retry-After")
	}
	resp, body = e.do("PUT", "/api/pool", `{"size":5}`, json)
	add("pool size", resp, body, http.StatusBadRequest, "invalid_input")
	got = append(got, wsLimits(t, e)...)
	checkLimitsDoc(t, got)
}

// wsLimits hits the WebSocket client limit and the no-messages rule.
func wsLimits(t *testing.T, e *secEnv) []limitCase {
	t.Helper()
	conn := secDialWS(t, e, nil)
	defer conn.CloseNow()
	resp, body := e.do("GET", "/ws", "", "Connection: Upgrade", "Upgrade: websocket",
		"Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")
	var apiErr apiError
	wantStatus(t, "second WebSocket client", resp, body, http.StatusServiceUnavailable)
	if err := json.Unmarshal([]byte(body), &apiErr); err != nil || apiErr.Error.Code != "unavailable" {
		t.Fatalf("second WebSocket client: %v %s", err, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"hello":"server"}`)); err != nil {
		t.Fatalf("write: %v", err)
	}
	_, _, err := conn.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation {
		t.Fatalf("after a client message: %v, want close 1008", err)
	}
	return []limitCase{{"WebSocket clients", apiErr.Error.Message}, {"WebSocket message", ce.Reason}}
}

// checkLimitsDoc checks that docs/limits.md quotes every message, with any number
// standing for any other (the document gives the defaults).
func checkLimitsDoc(t *testing.T, got []limitCase) {
	t.Helper()
	doc, err := os.ReadFile("../docs/limits.md")
	if err != nil {
		t.Fatalf("read docs/limits.md: %v", err)
	}
	digits := regexp.MustCompile(`[0-9]+`)
	text := digits.ReplaceAllString(string(doc), "N")
	for _, c := range got {
		if want := digits.ReplaceAllString(c.message, "N"); !strings.Contains(text, want) {
			t.Errorf("docs/limits.md does not quote the %s message: %q", c.name, c.message)
		}
	}
}
