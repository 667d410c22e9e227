package server

// Attacks on the HTTP layer (issue 11, items 2, 3 and 14), each as the client that
// mounts it, on a real server over loopback: what must stop it is stated in
// SECURITY.md and docs/limits.md.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// attackEnv is a Server on a real pool behind a real listener on 127.0.0.1, whose
// handler counts the requests it finished.
type attackEnv struct {
	*apiServer
	finished atomic.Int64
	addr     string
}

func newAttackEnv(t *testing.T, opts cluster.Options, cfg Config) *attackEnv {
	t.Helper()
	c := startPool(t, opts)
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	s := New(c, cfg)
	e := &attackEnv{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer e.finished.Add(1)
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	e.apiServer = &apiServer{t: t, c: c, s: s, url: ts.URL, client: ts.Client()}
	e.addr = ts.Listener.Addr().String()
	return e
}

// dial opens a raw TCP connection to the server, closed at the end of the test.
func (e *attackEnv) dial(t *testing.T) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// sendRequest writes a GET of path on conn, and never reads the answer.
func sendRequest(t *testing.T, conn net.Conn, path string) {
	t.Helper()
	// A small receive buffer, so the answer backs up into the server quickly.
	conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path); err != nil {
		t.Fatalf("write request: %v", err)
	}
}

// vmRSS is this process's resident memory in bytes, from /proc/self/status.
func vmRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// bigList submits a list of n sleep jobs to a pool without workers, so they stay
// queued, and returns its id.
func (e *attackEnv) bigList(t *testing.T, n int) string {
	t.Helper()
	body := strings.Repeat("0 ", n)
	var b batchJSON
	e.do(http.MethodPost, "/api/batches?kind=sleep", "text/plain", body).want(t, http.StatusCreated, &b)
	return b.ID
}

// maxAttackRSS is the most resident memory the server (this test process) may
// reach while 20 clients hold answers of a 100,000-job list unread. Unpaged, each
// answer held ~61 MB of heap: 1.2 GB for 20. Under the race detector, whose shadow
// memory multiplies every figure, the bound is on the growth over the baseline.
const maxAttackRSS = 300 << 20

// rssLimit is maxAttackRSS, or under -race the baseline plus maxAttackRSS.
func rssLimit(base int64) int64 {
	if raceEnabled {
		return base + maxAttackRSS
	}
	return maxAttackRSS
}

// TestAttackBigListNonReaders: 20 clients ask for a 100,000-job list, a quarter of
// them for the largest page of the API and a quarter for the panel's largest page
// of it, and never read. Each answer is one page (500 or 2,000
// jobs), each write has a deadline, so the server's memory stays bounded and every
// handler returns.
func TestAttackBigListNonReaders(t *testing.T) {
	e := newAttackEnv(t, cluster.Options{Workers: -1}, Config{WriteTimeout: 3 * time.Second})
	id := e.bigList(t, 100_000)
	base, before := vmRSS(t), e.finished.Load()
	limit := rssLimit(base)
	const clients = 20
	for i := range clients {
		path := "/api/batches/" + id
		switch i % 4 {
		case 2: // the panel's page of the list, at its largest
			path = "/batches/" + id + "?jobs_limit=2000"
		case 3:
			path += "?jobs_limit=2000"
		}
		sendRequest(t, e.dial(t), path)
	}
	peak := base
	deadline := time.Now().Add(60 * time.Second)
	for e.finished.Load()-before < clients && peak < limit && time.Now().Before(deadline) {
		peak = max(peak, vmRSS(t))
		time.Sleep(20 * time.Millisecond)
	}
	peak = max(peak, vmRSS(t))
	t.Logf("RSS %d MB before the %d clients, peak %d MB; %d of them finished",
		base>>20, clients, peak>>20, e.finished.Load()-before)
	if peak >= limit {
		t.Fatalf("RSS reached %d MB (limit %d MB) with %d clients not reading", peak>>20, limit>>20, clients)
	}
	if n := e.finished.Load() - before; n < clients {
		t.Fatalf("%d of %d answers to clients that never read are still held after 60s", clients-n, clients)
	}
}

// TestAttackExportNonReader: the NDJSON export of a 100,000-job list streams it all
// to a client that reads, and drops one that stops reading after the write timeout.
func TestAttackExportNonReader(t *testing.T) {
	e := newAttackEnv(t, cluster.Options{Workers: -1}, Config{WriteTimeout: 10 * time.Second})
	id := e.bigList(t, 100_000)
	resp, err := e.client.Get(e.url + "/api/batches/" + id + "/jobs.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lines := countLines(t, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || lines != 100_000 {
		t.Fatalf("export: status %d, %d lines; want 200 and 100000", resp.StatusCode, lines)
	}
	before := e.finished.Load()
	sendRequest(t, e.dial(t), "/api/batches/"+id+"/jobs.ndjson")
	start := time.Now()
	waitFor(t, "the export to a client that never reads to be dropped", func() bool {
		return e.finished.Load() > before
	})
	t.Logf("export to a stalled client dropped after %v", time.Since(start).Round(time.Millisecond))
}

// countLines counts the lines of r, checking each is a JSON object.
func countLines(t *testing.T, r io.Reader) int {
	t.Helper()
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), `{"id":`) {
			t.Fatalf("line %d is not a job: %q", n+1, sc.Text())
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read export: %v", err)
	}
	return n
}

// slowPost opens a connection and sends the headers of a POST whose body is 1000
// bytes, then one byte of it: the start of a body sent a byte at a time.
func (e *attackEnv) slowPost(t *testing.T) net.Conn {
	return e.slowBody(t, "POST", "/api/batches?kind=fib")
}

// slowBody sends method path with the first byte of a 1000-byte body.
func (e *attackEnv) slowBody(t *testing.T, method, path string) net.Conn {
	t.Helper()
	conn := e.dial(t)
	_, err := fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
		"Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n1", method, path)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	return conn
}

// answerThenClose reads the status line of the answer on conn, then expects the
// server to close the connection; all within a minute.
func answerThenClose(t *testing.T, conn net.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("no answer within a minute: %v", err)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("the connection stays open after %q: %v", strings.TrimSpace(status), err)
	}
	return strings.TrimSpace(status)
}

// TestAttackSlowBodyWithToken: with a token, 30 connections that send their body a
// byte at a time and no token are refused from their headers at once, long before
// the body deadline, and closed.
func TestAttackSlowBodyWithToken(t *testing.T) {
	e := newAttackEnv(t, cluster.Options{Workers: 1}, Config{Token: "s3cret-token", BodyTimeout: 5 * time.Minute})
	conns := make([]net.Conn, 30)
	for i := range conns {
		conns[i] = e.slowPost(t)
	}
	for _, c := range conns {
		if status := answerThenClose(t, c); !strings.HasPrefix(status, "HTTP/1.1 401") {
			t.Fatalf("answer %q; want 401", status)
		}
	}
	// The WebSocket path too: it has no write deadline of its own, and a body sent
	// to it was waited for with none (found by review).
	for _, method := range []string{"POST", "GET"} {
		if status := answerThenClose(t, e.slowBody(t, method, "/ws")); !strings.HasPrefix(status, "HTTP/1.1 401") {
			t.Fatalf("%s /ws with a slow body: answer %q; want 401", method, status)
		}
	}
}

// TestAttackSlowBodyTimesOut: without a token, a body that does not arrive within
// the body deadline is a 408, and its connection is closed.
func TestAttackSlowBodyTimesOut(t *testing.T) {
	e := newAttackEnv(t, cluster.Options{Workers: 1}, Config{BodyTimeout: time.Second})
	start := time.Now()
	if status := answerThenClose(t, e.slowPost(t)); !strings.HasPrefix(status, "HTTP/1.1 408") {
		t.Fatalf("answer %q; want 408", status)
	}
	// A WebSocket handshake has no body: one that comes with a slow body is refused,
	// not held.
	if status := answerThenClose(t, e.slowBody(t, "GET", "/ws")); !strings.HasPrefix(status, "HTTP/1.1 4") {
		t.Fatalf("GET /ws with a slow body: answer %q; want a 4xx", status)
	}
	t.Logf("slow body cut after %v", time.Since(start).Round(time.Millisecond))
}

// TestAttackConnsPerIP: one address may hold at most its cap of connections; the
// next is closed at once, another address is still served, and a freed place can
// be taken again.
func TestAttackConnsPerIP(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	s := New(c, Config{Logger: testLogger(t)})
	t.Cleanup(s.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(LimitListener(ln, 8, 0, testLogger(t)))
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()
	held := make([]net.Conn, 8)
	for i := range held {
		held[i] = healthz(t, "127.0.0.1", addr, true)
	}
	healthz(t, "127.0.0.1", addr, false)
	healthz(t, "127.0.0.2", addr, true)
	held[0].Close()
	waitFor(t, "a freed place to be taken again", func() bool { return tryHealthz("127.0.0.1", addr) == nil })
}

// healthz dials addr from the local IP from, asks GET /healthz on a kept-alive
// connection and checks that it is answered (served) or closed unanswered.
func healthz(t *testing.T, from, addr string, served bool) net.Conn {
	t.Helper()
	conn, err := dialFrom(from, addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { conn.Close() })
	err = askHealthz(conn)
	if served && err != nil {
		t.Fatalf("connection from %s not served: %v", from, err)
	}
	if !served && err == nil {
		t.Fatalf("connection from %s served beyond its cap", from)
	}
	return conn
}

func tryHealthz(from, addr string) error {
	conn, err := dialFrom(from, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	return askHealthz(conn)
}

func dialFrom(from, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: time.Minute}
	return d.Dial("tcp", addr)
}

// askHealthz sends GET /healthz and reads the answer's status line within a minute.
func askHealthz(conn net.Conn) error {
	conn.SetDeadline(time.Now().Add(time.Minute))
	defer conn.SetDeadline(time.Time{})
	if _, err := fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// TestAttackSmallHoles: the smaller ways a request was misread or let through
// (issue 11, item 14), each now a 4xx that says what is wrong.
func TestAttackSmallHoles(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1, Jobs: cluster.JobOptions{MaxQueued: 10, MaxPerBatch: 10}}, Config{})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code, want               string
	}{
		{"duplicate key", "POST", "/api/batches", `{"kind":"fib","inputs":[1],"kind":"sleep"}`,
			400, "bad_json", `field "kind" is given twice`},
		{"duplicate size", "PUT", "/api/pool", `{"size":1,"size":64}`, 400, "bad_json", `"size" is given twice`},
		{"key in another case", "POST", "/api/batches", `{"KIND":"fib","inputs":[1]}`,
			400, "bad_json", `unknown field "KIND"`},
		{"bad escape in the query", "GET", "/api/events?since=%zz", "", 400, "invalid_input", "cannot be read"},
		{"semicolon in the query", "GET", "/api/batches/1?wait=1s;since=0", "", 400, "invalid_input", "semicolon"},
		{"timeout below 1ms", "POST", "/api/batches?kind=fib&timeout=1ns", "1", 400, "invalid_input", "outside 1ms..24h"},
		{"> not escaped", "POST", "/api/batches?kind=fib", strings.Repeat("1 ", 100_001),
			400, "invalid_input", "100001 > 100000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.do(tc.method, tc.path, "", tc.body)
			msg := r.wantError(t, tc.status, tc.code)
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q lacks %q", msg, tc.want)
			}
			if strings.Contains(string(r.body), `\u003e`) {
				t.Fatalf("the body escapes > as for HTML: %s", r.body)
			}
		})
	}
	t.Run("queue_full counts the new list", func(t *testing.T) {
		a.do("POST", "/api/batches?kind=sleep", "", "1 1 1 1 1 1").want(t, http.StatusCreated, nil)
		msg := a.do("POST", "/api/batches?kind=sleep", "", "1 1 1 1 1 1").wantError(t, http.StatusTooManyRequests, "queue_full")
		if !strings.Contains(msg, "6 jobs are waiting, this list adds 6 and the limit is 10") {
			t.Fatalf("message %q does not count the new list", msg)
		}
	})
}

// TestAttackManySmallLists: one-job lists, each small, are bounded by the memory
// they hold (JobOptions.MaxQueuedBytes), not only by their count of jobs.
func TestAttackManySmallLists(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1, Jobs: cluster.JobOptions{MaxQueuedBytes: 64 << 10}}, Config{})
	for i := range 100 {
		r := a.do("POST", "/api/batches?kind=sleep", "", "1")
		if r.status == http.StatusCreated {
			continue
		}
		msg := r.wantError(t, http.StatusTooManyRequests, "queue_full")
		if !strings.Contains(msg, "the limit is 64.0 KiB") {
			t.Fatalf("message %q does not give the limit", msg)
		}
		t.Logf("list %d refused: %s", i+1, msg)
		return
	}
	t.Fatal("100 one-job lists queued within a 64 KiB bound")
}
