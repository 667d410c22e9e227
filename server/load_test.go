//go:build load

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// The load test runs only with -tags load (make load): 50 API clients submit small
// lists and poll them for 20 s while 200 WebSocket clients stay connected, all on
// 127.0.0.1. It asserts no 5xx and no lost job, and reports the API latency.
const (
	loadAPIClients = 50
	loadWSClients  = 200
	loadDuration   = 20 * time.Second
	loadPoll       = 100 * time.Millisecond // how often a client polls its list
)

// loadInputs is each list: fib of five small numbers, whose results loadFib knows.
func loadInputs() []int64 { return []int64{20, 21, 22, 23, 24} }

// loadFib is the n-th Fibonacci number, computed the fast way to check results.
func loadFib(n int64) int64 {
	a, b := int64(0), int64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

// TestLoad is the load test; the last line of its output is the report.
func TestLoad(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := startSecEnv(t, Config{Logger: quiet}, cluster.Options{Workers: 2, Output: io.Discard, Logger: quiet})
	e.ready()
	tr := &http.Transport{MaxIdleConnsPerHost: loadAPIClients}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	ws := startLoadWS(t, e, loadWSClients)
	stop := time.Now().Add(loadDuration)
	results := make([]loadStats, loadAPIClients)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = loadClient(client, e.url, stop) })
	}
	wg.Wait()
	wsTotals := ws.stop()
	total := mergeLoadStats(results)
	report := total.report(wsTotals)
	t.Log(report)
	fmt.Println("LOAD:", report)
	if total.status5xx > 0 || len(total.errors) > 0 {
		t.Errorf("%d 5xx answers; %d errors, first: %v", total.status5xx, len(total.errors), first(total.errors))
	}
	if total.lists == 0 || total.listsOK != total.lists {
		t.Errorf("%d of %d lists ended with every job done", total.listsOK, total.lists)
	}
	if wsTotals.connected != loadWSClients || wsTotals.errors > 0 || wsTotals.gaps > 0 {
		t.Errorf("WebSocket clients: %d connected at the end of %d, %d errors, %d seq gaps",
			wsTotals.connected, loadWSClients, wsTotals.errors, wsTotals.gaps)
	}
}

// first is the first error, or nil.
func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}

// loadStats is what one API client saw.
type loadStats struct {
	latencies []time.Duration
	status5xx int
	lists     int // lists submitted
	listsOK   int // lists that ended with every job done and right
	jobs      int
	errors    []error
}

// loadClient submits a list, polls it every loadPoll until it ended, checks it, and
// starts again, until stop.
func loadClient(c *http.Client, base string, stop time.Time) loadStats {
	var st loadStats
	body, _ := json.Marshal(map[string]any{"kind": "fib", "inputs": loadInputs()})
	for time.Now().Before(stop) {
		var b faultBatch
		if !st.call(c, "POST", base+"/api/batches", string(body), http.StatusCreated, &b) {
			time.Sleep(loadPoll)
			continue
		}
		st.lists++
		if st.await(c, base, &b) && listOK(b) {
			st.listsOK++
			st.jobs += len(b.Jobs)
		} else {
			st.errors = append(st.errors, fmt.Errorf("list %s ended %s: %+v", b.ID, b.State, b.Summary))
		}
	}
	return st
}

// loadListDeadline is how long a list may take before it counts as lost.
const loadListDeadline = time.Minute

// await polls list b every loadPoll until it ended; false if a poll failed or the
// list outlived loadListDeadline.
func (st *loadStats) await(c *http.Client, base string, b *faultBatch) bool {
	deadline := time.Now().Add(loadListDeadline)
	for b.State == "running" || b.Jobs == nil {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(loadPoll)
		if !st.call(c, "GET", base+"/api/batches/"+b.ID, "", http.StatusOK, b) {
			return false
		}
	}
	return true
}

// listOK reports whether every job of b is done with the right result.
func listOK(b faultBatch) bool {
	inputs := loadInputs()
	if b.State != "done" || len(b.Jobs) != len(inputs) {
		return false
	}
	for i, j := range b.Jobs {
		if j.State != "done" || j.Result == nil || *j.Result != loadFib(inputs[i]) {
			return false
		}
	}
	return true
}

// call sends one request, times it, and decodes a want answer into v.
func (st *loadStats) call(c *http.Client, method, url, body string, want int, v any) bool {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		st.errors = append(st.errors, err)
		return false
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	st.latencies = append(st.latencies, time.Since(start))
	if resp.StatusCode >= 500 {
		st.status5xx++
	}
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("%s %s: status %d: %.200s", method, url, resp.StatusCode, b)
	}
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		st.errors = append(st.errors, err)
		return false
	}
	return true
}

func mergeLoadStats(all []loadStats) loadStats {
	var t loadStats
	for _, s := range all {
		t.latencies = append(t.latencies, s.latencies...)
		t.status5xx += s.status5xx
		t.lists += s.lists
		t.listsOK += s.listsOK
		t.jobs += s.jobs
		t.errors = append(t.errors, s.errors...)
	}
	slices.Sort(t.latencies)
	return t
}

// report is the figures in one line, easy to copy.
func (st loadStats) report(ws wsTotals) string {
	pct := func(p float64) time.Duration {
		if len(st.latencies) == 0 {
			return 0
		}
		return st.latencies[min(len(st.latencies)-1, int(p*float64(len(st.latencies))))]
	}
	secs := loadDuration.Seconds()
	return fmt.Sprintf("api_clients=%d ws_clients=%d duration=%s requests=%d (%.0f/s) p50=%s p99=%s max=%s "+
		"5xx=%d errors=%d lists=%d lists_ok=%d jobs=%d (%.0f/s) ws_messages=%d ws_snapshots=%d ws_reconnects=%d ws_gaps=%d",
		loadAPIClients, loadWSClients, loadDuration, len(st.latencies), float64(len(st.latencies))/secs,
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond),
		st.status5xx, len(st.errors), st.lists, st.listsOK, st.jobs, float64(st.jobs)/secs,
		ws.messages, ws.snapshots, ws.reconnects, ws.gaps)
}

// loadWS is the set of WebSocket clients that stay connected during the test.
type loadWS struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	tot    wsTotals
	mu     sync.Mutex
}

// wsTotals sums what the WebSocket clients saw.
type wsTotals struct {
	messages, snapshots, reconnects, errors, connected int
	// gaps counts events whose seq did not follow the one before: lost or reordered.
	gaps int
}

// startLoadWS connects n clients, each reading until stop. A client the server
// closes for being too slow reconnects with ?since=, as the browser does.
func startLoadWS(t *testing.T, e *secEnv, n int) *loadWS {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &loadWS{cancel: cancel}
	for range n {
		conn, seq := secDialWSSeq(t, e, nil)
		l.wg.Go(func() { l.add(readLoadWS(ctx, e, conn, seq)) })
	}
	return l
}

func (l *loadWS) add(w wsTotals) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tot.messages += w.messages
	l.tot.snapshots += w.snapshots
	l.tot.reconnects += w.reconnects
	l.tot.errors += w.errors
	l.tot.connected += w.connected
	l.tot.gaps += w.gaps
}

// stop ends every client and returns the totals.
func (l *loadWS) stop() wsTotals {
	l.cancel()
	l.wg.Wait()
	return l.tot
}

// readLoadWS reads one client's messages until ctx ends; connected is 1 if it was
// still connected then.
func readLoadWS(ctx context.Context, e *secEnv, conn *websocket.Conn, seq uint64) wsTotals {
	w := wsTotals{snapshots: 1, messages: 1}
	defer func() { conn.CloseNow() }()
	for {
		_, msg, err := conn.Read(ctx)
		if ctx.Err() != nil {
			w.connected = 1
			return w
		}
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusTryAgainLater {
				w.errors++
				return w
			}
			w.reconnects++
			conn.CloseNow()
			if conn, err = redialLoadWS(ctx, e, seq); err != nil {
				w.errors++
				return w
			}
			continue
		}
		w.messages++
		n, ok := seqOf(msg)
		switch {
		case bytes.HasPrefix(msg, []byte(`{"type":"snapshot"`)):
			w.snapshots++
		case ok && n != seq+1:
			w.gaps++ // an event lost, or out of order
		}
		if ok {
			seq = n
		}
	}
}

// seqOf finds the seq of a message without decoding it all: 200 clients decoding
// every event would cost the server more CPU than it spends on them.
func seqOf(msg []byte) (uint64, bool) {
	_, rest, ok := bytes.Cut(msg, []byte(`"seq":`))
	if !ok {
		return 0, false
	}
	end := bytes.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	n, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	return n, err == nil
}

func redialLoadWS(ctx context.Context, e *secEnv, since uint64) (*websocket.Conn, error) {
	conn, _, err := websocket.Dial(ctx, e.wsURL(fmt.Sprintf("since=%d", since)),
		&websocket.DialOptions{HTTPClient: e.ts.Client()})
	return conn, err
}
