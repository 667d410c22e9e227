package server

// Attacks from issue 11 that got through, as code: DNS rebinding, a path the auth
// check and the router read differently, kill signals that leave the worker alive,
// guessing the token, and a restarted primary that reuses list ids and event seqs.
// Each test talks to a real server on 127.0.0.1 with raw HTTP/1.1 where the attack
// depends on bytes a Go client would normalise.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// startAttackEnv is startSecEnv with Config.Addr set to the real listener's address
// before the server is built, as cmd/gocluster does with -addr 127.0.0.1:0.
func startAttackEnv(t *testing.T, cfg Config, opts cluster.Options, allowed ...string) *secEnv {
	t.Helper()
	if opts.Workers == 0 {
		opts.Workers = 1
	}
	opts.Output, opts.Logger = testLog{t}, testLogger(t)
	opts.Env = append(opts.Env, "GORACE=atexit_sleep_ms=0")
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatalf("start pool: %v", err)
	}
	t.Cleanup(func() { secClosePool(t, c) })
	ts := httptest.NewUnstartedServer(nil)
	cfg.Logger = opts.Logger
	s := New(c, withBoundAddr(cfg, ts.Listener.Addr().String(), allowed...))
	t.Cleanup(s.Close)
	ts.Config.Handler = s.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	client := *ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 2 * time.Minute // above the 90 s long polls some tests make
	return &secEnv{t: t, c: c, s: s, ts: ts, url: ts.URL, client: &client}
}

// addr is the listener's host:port.
func (e *secEnv) addr() string { return e.ts.Listener.Addr().String() }

// raw sends one hand-written HTTP/1.1 request (lines joined with CRLF, a blank line
// appended) and returns the status and the body read until the connection closes
// or a minute passes.
func raw(t *testing.T, addr string, lines ...string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Minute)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := io.WriteString(conn, strings.Join(lines, "\r\n")+"\r\n\r\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read answer to %q: %v", lines[0], err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return resp.StatusCode, ""
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rawPut is a PUT /api/pool of size 1 with the given Host and Origin, as a page on
// that origin would send it.
func rawPut(t *testing.T, addr, host string) (int, string) {
	body := `{"size":1}`
	return raw(t, addr, "PUT /api/pool HTTP/1.1", "Host: "+host, "Origin: http://"+host,
		"Content-Type: application/json", fmt.Sprintf("Content-Length: %d", len(body)),
		"Connection: close", "", body)
}

// rawWS is a WebSocket handshake with the given Host and Origin.
func rawWS(t *testing.T, addr, host string) (int, string) {
	return raw(t, addr, "GET /ws HTTP/1.1", "Host: "+host, "Origin: http://"+host,
		"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")
}

// TestAttackDNSRebinding: a page on rebind.example whose name now resolves to
// 127.0.0.1 sends same-origin requests (Host and Origin both its own name). On a
// loopback bind without a token they are refused with 421; loopback names at the
// bound port, and -allowed-hosts names, are served; /healthz answers any Host.
func TestAttackDNSRebinding(t *testing.T) {
	e := startAttackEnv(t, Config{}, cluster.Options{}, "panel.example:443")
	_, port, _ := net.SplitHostPort(e.addr())
	evil := "rebind.example:" + port
	st, body := rawPut(t, e.addr(), evil)
	if st != http.StatusMisdirectedRequest || !strings.Contains(body, `"code":"host_not_allowed"`) {
		t.Errorf("PUT /api/pool with Host %s: %d %s, want 421 host_not_allowed", evil, st, body)
	}
	checkLimitsDoc(t, []limitCase{{"foreign Host", errMessage(t, body)}})
	if st, body := rawWS(t, e.addr(), evil); st != http.StatusMisdirectedRequest {
		t.Errorf("WebSocket upgrade with Host %s: %d %s, want 421", evil, st, body)
	}
	if st, _ := raw(t, e.addr(), "GET / HTTP/1.1", "Host: "+evil, "Connection: close"); st != http.StatusMisdirectedRequest {
		t.Errorf("GET / with Host %s: %d, want 421", evil, st)
	}
	// Loopback names at any port (ssh -L 9000:127.0.0.1:8080 sends localhost:9000),
	// *.localhost (browsers resolve it to loopback themselves) and no Host at all
	// (HTTP/1.0; a browser always sends one) cannot be a rebound page.
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
		"LOCALHOST:" + port, "panel.example:443", "localhost:9000", "panel.localhost:" + port} {
		if st, body := rawPut(t, e.addr(), host); st != http.StatusOK {
			t.Errorf("PUT /api/pool with Host %s: %d %s, want 200", host, st, body)
		}
		if st, body := rawWS(t, e.addr(), host); st != http.StatusSwitchingProtocols {
			t.Errorf("WebSocket upgrade with Host %s: %d %s, want 101", host, st, body)
		}
	}
	if st, body := raw(t, e.addr(), "GET /api/pool HTTP/1.0"); st != http.StatusOK {
		t.Errorf("GET /api/pool over HTTP/1.0 without Host: %d %s, want 200", st, body)
	}
	if st, body := raw(t, e.addr(), "GET /healthz HTTP/1.1", "Host: lb.internal", "Connection: close"); st != http.StatusOK {
		t.Errorf("GET /healthz with Host lb.internal: %d %s, want 200 (load balancers)", st, body)
	}
}

// TestAttackPathDecoding: the token check read the decoded path and let anything
// under /static/ through, while the router reads the escaped one, so
// "/%73tatic/../api/pool" passed the check as a static asset and reached the router
// without the token. Such paths, and dot segments, are a 400 before any check.
func TestAttackPathDecoding(t *testing.T) {
	e := startAttackEnv(t, Config{Token: "a-long-enough-token-0123"}, cluster.Options{})
	host := "Host: " + e.addr()
	st, body := raw(t, e.addr(), "GET /api%2Fpool HTTP/1.1", host, "Connection: close")
	if st != http.StatusBadRequest {
		t.Fatalf("GET /api%%2Fpool without the token: %d %.200s, want 400", st, body)
	}
	checkLimitsDoc(t, []limitCase{{"odd path", errMessage(t, body)}})
	for _, p := range []string{"/%73tatic/../api/pool", "/static/%2e%2e/api/pool", "/static/../api/pool",
		"/%61pi/pool", "/api/batches/%2e", "/static/./app.css", "/api%2Fpool"} {
		st, body := raw(t, e.addr(), "GET "+p+" HTTP/1.1", host, "Connection: close")
		if st != http.StatusBadRequest || !strings.Contains(body, `"bad_path"`) && !strings.Contains(body, "Bad path") {
			t.Errorf("GET %s without the token: %d %.200s, want 400 bad_path", p, st, body)
		}
	}
	if st, _ := raw(t, e.addr(), "GET /api/pool HTTP/1.1", host, "Connection: close"); st != http.StatusUnauthorized {
		t.Errorf("GET /api/pool without the token: %d, want 401", st)
	}
	if st, _ := raw(t, e.addr(), "GET /api/pool HTTP/1.1", host, "Authorization: Bearer a-long-enough-token-0123",
		"Connection: close"); st != http.StatusOK {
		t.Errorf("GET /api/pool with the token: %d, want 200", st)
	}
}

// TestAttackKillSignalThatDoesNotKill: SIGUSR1, SIGUSR2, SIGPIPE and SIGALRM were
// answered 202 "killing" while the Go worker ignored them and lived on. They are a
// 400 naming the signals that do end a worker, and the worker is untouched; each of
// those signals does end it.
func TestAttackKillSignalThatDoesNotKill(t *testing.T) {
	e := startAttackEnv(t, Config{}, cluster.Options{})
	id := e.c.Workers()[0].ID
	path := fmt.Sprintf("/api/workers/%d/kill", id)
	for _, sig := range []string{"SIGUSR1", "usr2", "SIGPIPE", "SIGALRM", "10", "SIGSEGV"} {
		resp, body := e.do("POST", path, `{"signal":"`+sig+`"}`, "Content-Type: application/json")
		wantJSONError(t, "kill with "+sig, resp, body, http.StatusBadRequest, "invalid_input",
			"does not end a worker", "SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGQUIT, SIGABRT")
	}
	if w, err := e.c.Worker(id); err != nil {
		t.Fatalf("worker %d is gone after refused kills: %v", id, err)
	} else if info, err := w.Info(); err != nil || info.State == cluster.StateStopping {
		t.Fatalf("worker %d after refused kills: %+v %v", id, info, err)
	}
	for _, sig := range []string{"SIGHUP", "SIGQUIT", "SIGINT", "SIGABRT", "SIGTERM", "9"} {
		id := e.c.Workers()[0].ID
		if n, _ := cluster.ParseSignal(sig); inheritedIgnore(t, n) {
			// Run under nohup (SIGHUP) or in the background of a shell (SIGINT):
			// the workers inherit the ignored signal, and the kill is refused.
			resp, body := e.do("POST", fmt.Sprintf("/api/workers/%d/kill", id), `{"signal":"`+sig+`"}`,
				"Content-Type: application/json")
			wantJSONError(t, "kill with ignored "+sig, resp, body, http.StatusBadRequest, "invalid_input", "ignores "+sig)
			continue
		}
		resp, body := e.do("POST", fmt.Sprintf("/api/workers/%d/kill", id), `{"signal":"`+sig+`"}`,
			"Content-Type: application/json")
		wantStatus(t, "kill with "+sig, resp, body, http.StatusAccepted)
		waitFor(t, fmt.Sprintf("worker %d to end after %s and be replaced", id, sig), func() bool {
			ws := e.c.Workers()
			_, err := e.c.Worker(id)
			return err != nil && len(ws) == 1 && ws[0].ID != id && ws[0].State == cluster.StateIdle
		})
	}
}

// TestAttackTokenGuessing: nothing limited guessing. Ten wrong tokens a minute from
// one IP, in any mix of bearer header, ?token on a page and the login form, and
// that IP gets 429 with Retry-After, even for the right token, whose check it no
// longer gets. Public paths stay open. What must not spend the tries, or someone
// else could lock the operator out: another site's page opening /?token=x (its
// browser says Sec-Fetch-Site: cross-site), and a stale cookie (after a token
// change); a browser already signed in keeps working from the limited address.
func TestAttackTokenGuessing(t *testing.T) {
	const token = "the-right-token-0123456789"
	e := startAttackEnv(t, Config{Token: token}, cluster.Options{})
	cookie := signedInCookie(t, e, token)
	for i := range 12 {
		for _, try := range []string{
			fmt.Sprintf("GET /?token=img-%d HTTP/1.1|Sec-Fetch-Site: cross-site", i),
			fmt.Sprintf("GET /api/pool HTTP/1.1|Cookie: gocluster_token=stale-%d", i),
		} {
			lines := append(strings.Split(try, "|"), "Host: "+e.addr(), "Connection: close")
			if st, body := raw(t, e.addr(), lines...); st == http.StatusTooManyRequests || st == http.StatusOK {
				t.Fatalf("%q: %d %.200s, want a refusal that spends no try", try, st, body)
			}
		}
	}
	tries := []string{
		"GET /api/pool HTTP/1.1|Authorization: Bearer guess-1",
		"GET /api/pool HTTP/1.1|Authorization: Bearer guess-2",
		"GET /ws HTTP/1.1|Authorization: Bearer guess-3",
		"GET /?token=guess-4 HTTP/1.1",
		"GET /login?token=guess-5 HTTP/1.1",
		"GET /login?token=guess-6 HTTP/1.1",
		"GET /api/workers HTTP/1.1|Authorization: Bearer guess-7",
		"GET /?token=guess-8 HTTP/1.1|Sec-Fetch-Site: none",
		"GET /api/batches HTTP/1.1|Authorization: bearer guess-9",
		"POST /api/pool/restart HTTP/1.1|Authorization: Bearer guess-10|Content-Length: 0",
	}
	for _, try := range tries {
		lines := append(strings.Split(try, "|"), "Host: "+e.addr(), "Connection: close")
		if st, body := raw(t, e.addr(), lines...); st != http.StatusUnauthorized {
			t.Fatalf("%q: %d %.200s, want 401", try, st, body)
		}
	}
	for _, try := range []string{"GET /api/pool HTTP/1.1|Authorization: Bearer " + token,
		"GET /login?token=" + token + " HTTP/1.1", "GET /api/pool HTTP/1.1|Authorization: Bearer guess-11"} {
		lines := append(strings.Split(try, "|"), "Host: "+e.addr(), "Connection: close")
		if st, body := raw(t, e.addr(), lines...); st != http.StatusTooManyRequests ||
			!strings.Contains(body, "sign_in_limited") && !strings.Contains(body, "Too many failed sign-ins") {
			t.Errorf("after 10 failures, %q: %d %.200s, want 429 sign_in_limited", try, st, body)
		}
	}
	resp, body := e.do("GET", "/api/pool", "", "Authorization: Bearer "+token)
	wantJSONError(t, "the right token after 10 failures", resp, body, http.StatusTooManyRequests,
		"sign_in_limited", "10 wrong tokens")
	if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q, want the seconds left of the minute", ra)
	}
	checkLimitsDoc(t, []limitCase{{"failed sign-ins", errMessage(t, body)}})
	resp, body = e.do("GET", "/api/pool", "", "Cookie: "+cookie)
	wantStatus(t, "the signed-in browser's cookie from the limited address", resp, body, http.StatusOK)
	for _, p := range []string{"/healthz", "/login", "/static/css/app.css"} {
		resp, body := e.do("GET", p, "")
		wantStatus(t, "GET "+p+" while limited", resp, body, http.StatusOK)
	}
}

// TestAttackRestartReusesIDs: a restarted primary numbered its lists from "1" and
// its events from seq 1 again, so a script polling /api/batches/1 read someone
// else's list and /api/events?since=N of the old run got the new run's events as if
// they followed. Every run has its own id, in /api/pool, events and the WebSocket
// snapshot; list ids carry it; a since of another run is a 410 naming the new run,
// and the WebSocket starts such a client over with a snapshot.
func TestAttackRestartReusesIDs(t *testing.T) {
	first := startAttackEnv(t, Config{}, cluster.Options{})
	oldList, oldRun := submitDoneList(t, first), jsonField(t, first, "/api/pool", "run")
	second := startAttackEnv(t, Config{}, cluster.Options{}) // the primary, restarted
	newList, newRun := submitDoneList(t, second), jsonField(t, second, "/api/pool", "run")
	if oldRun == "" || newRun == "" || oldRun == newRun {
		t.Fatalf("runs %q then %q: want two different run ids in /api/pool", oldRun, newRun)
	}
	if oldList == newList {
		t.Fatalf("the restarted primary gave its first list the id %q again", newList)
	}
	resp, body := second.do("GET", "/api/batches/"+oldList, "")
	wantStatus(t, "the old run's list on the new run", resp, body, http.StatusNotFound)

	resp, body = second.do("GET", "/api/events?since=1&run="+oldRun, "")
	wantJSONError(t, "events since 1 of the old run", resp, body, http.StatusGone, "events_gone", newRun)
	var gone struct{ Error map[string]string }
	json.Unmarshal([]byte(body), &gone)
	if gone.Error["run"] != newRun {
		t.Errorf("410 says run %q, want the current run %q: %s", gone.Error["run"], newRun, body)
	}
	resp, body = second.do("GET", "/api/events?since=0&run="+newRun, "")
	wantStatus(t, "events of the current run", resp, body, http.StatusOK)
	var evs []map[string]any
	if json.Unmarshal([]byte(body), &evs); len(evs) == 0 || evs[0]["run"] != newRun {
		t.Errorf("events of the current run do not carry it: %.300s", body)
	}
	if msg := firstWSMessage(t, second, "/ws?since=1&run="+oldRun); msg["type"] != "snapshot" || msg["run"] != newRun {
		t.Errorf("WebSocket resuming the old run: first message %v, want a snapshot of run %s", msg, newRun)
	}
}

// submitDoneList runs a one-job list to its end and returns its id.
func submitDoneList(t *testing.T, e *secEnv) string {
	t.Helper()
	resp, body := e.do("POST", "/api/batches?wait=90s", `{"kind":"fib","inputs":[5]}`, "Content-Type: application/json")
	wantStatus(t, "submit a list", resp, body, http.StatusCreated)
	var b struct{ ID string }
	if err := json.Unmarshal([]byte(body), &b); err != nil || b.ID == "" {
		t.Fatalf("list answer %s: %v", body, err)
	}
	return b.ID
}

// jsonField is the string field name of the JSON object at path.
func jsonField(t *testing.T, e *secEnv, path, name string) string {
	t.Helper()
	resp, body := e.do("GET", path, "")
	wantStatus(t, "GET "+path, resp, body, http.StatusOK)
	var m map[string]any
	json.Unmarshal([]byte(body), &m)
	v, _ := m[name].(string)
	return v
}

// firstWSMessage opens the WebSocket at path and returns its first message.
func firstWSMessage(t *testing.T, e *secEnv, path string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+path,
		&websocket.DialOptions{HTTPClient: e.ts.Client()})
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	defer conn.CloseNow()
	_, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}

// errMessage is the message of a JSON error body.
func errMessage(t *testing.T, body string) string {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not the JSON error shape: %v: %.200s", err, body)
	}
	return e.Error.Message
}

// inheritedIgnore reports whether this test process ignores sig (SIG_IGN from its
// parent), which the workers it forks inherit.
func inheritedIgnore(t *testing.T, sig syscall.Signal) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if hex, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return err == nil && mask&(1<<(uint(sig)-1)) != 0
		}
	}
	return false
}

// signedInCookie signs in with ?token= and returns the cookie the server set, as
// "name=value".
func signedInCookie(t *testing.T, e *secEnv, token string) string {
	t.Helper()
	req, err := http.NewRequest("GET", e.url+"/login?token="+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirect followed
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == tokenCookie {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("sign-in answered %s without the cookie", resp.Status)
	return ""
}
