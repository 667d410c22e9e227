package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// wsMsg is what a test client reads from /ws: a snapshot or an event.
type wsMsg struct {
	Type    string            `json:"type"`
	Seq     uint64            `json:"seq"`
	Time    time.Time         `json:"time"`
	Batch   string            `json:"batch"`
	Pool    *cluster.PoolInfo `json:"pool"`
	Batches []batchJSON       `json:"batches"`
}

// wsURL is the WebSocket URL of the server at base (http://...), with query.
func wsURL(base, query string) string {
	return "ws" + strings.TrimPrefix(base, "http") + "/ws" + query
}

// dialWSResp dials /ws and returns the error and the response of a refused handshake.
func dialWSResp(base, query string, opts *websocket.DialOptions) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return websocket.Dial(ctx, wsURL(base, query), opts)
}

// dialWS dials /ws and closes the connection at the end of the test.
func dialWS(t testing.TB, base, query string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	conn, _, err := dialWSResp(base, query, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", query, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

// readWS reads one message; an error (or a minute of silence) fails the test.
func readWS(t testing.TB, conn *websocket.Conn) wsMsg {
	t.Helper()
	m, err := tryReadWS(conn, time.Minute)
	if err != nil {
		t.Fatalf("read websocket: %v", err)
	}
	return m
}

func tryReadWS(conn *websocket.Conn, wait time.Duration) (wsMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	typ, b, err := conn.Read(ctx)
	if err != nil {
		return wsMsg{}, err
	}
	var m wsMsg
	if typ != websocket.MessageText {
		return m, fmt.Errorf("message type %v, want text", typ)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("decode %s: %w", b, err)
	}
	return m, nil
}

// readSnapshot reads the first message and checks it is a well-formed snapshot.
func readSnapshot(t testing.TB, conn *websocket.Conn) wsMsg {
	t.Helper()
	m := readWS(t, conn)
	if m.Type != "snapshot" || m.Pool == nil || m.Batches == nil {
		t.Fatalf("first message %+v, want a snapshot with pool and batches", m)
	}
	if m.Seq != m.Pool.LastSeq {
		t.Fatalf("snapshot seq %d but its pool is at seq %d", m.Seq, m.Pool.LastSeq)
	}
	return m
}

// readUntil reads events after seq from up to last, checking that each is the next
// seq; it fails on a snapshot or a gap.
func readUntil(t testing.TB, conn *websocket.Conn, seq, last uint64) []wsMsg {
	t.Helper()
	var got []wsMsg
	for seq < last {
		m := readWS(t, conn)
		if m.Type == "snapshot" || m.Seq != seq+1 {
			t.Fatalf("after seq %d got %s seq %d, want event %d", seq, m.Type, m.Seq, seq+1)
		}
		seq = m.Seq
		got = append(got, m)
	}
	return got
}

// sameEvents fails unless got are exactly want, by seq and type.
func sameEvents(t testing.TB, got []wsMsg, want []cluster.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Seq != want[i].Seq || got[i].Type != want[i].Type {
			t.Fatalf("event %d is %d %s, want %d %s", i, got[i].Seq, got[i].Type, want[i].Seq, want[i].Type)
		}
	}
}

// waitList waits for a list to end.
func waitList(t testing.TB, c *cluster.Cluster, id string) cluster.BatchInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := c.WaitBatch(ctx, id)
	if err != nil || b.State == cluster.BatchRunning {
		t.Fatalf("wait for list %s: %v (state %s)", id, err, b.State)
	}
	return b
}

// submitList queues a list or fails the test.
func submitList(t testing.TB, c *cluster.Cluster, kind string, inputs ...int64) cluster.BatchInfo {
	t.Helper()
	b, err := c.Submit(kind, inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatalf("submit %s %v: %v", kind, inputs, err)
	}
	return b
}

func TestWSSnapshotThenEveryEventInOrder(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	conn := dialWS(t, a.url, "", nil)
	snap := readSnapshot(t, conn)
	if len(snap.Pool.Workers) != 2 {
		t.Fatalf("snapshot has %d workers, want 2", len(snap.Pool.Workers))
	}
	b1 := submitList(t, a.c, "sleep", 5, 5, 5, 5)
	b2 := submitList(t, a.c, "fib", 20, 21, 22)
	waitList(t, a.c, b1.ID)
	waitList(t, a.c, b2.ID)
	if err := a.c.Scale(3); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := a.c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	last := a.c.LastSeq()
	want, ok := a.c.EventsSince(snap.Seq)
	if !ok {
		t.Fatal("the ring lost events")
	}
	got := readUntil(t, conn, snap.Seq, last)
	sameEvents(t, got, want[:len(got)])
	seen := map[string]int{}
	for _, m := range got {
		seen[m.Type]++
	}
	if seen[cluster.EventBatchDone] != 2 || seen[cluster.EventScale] != 1 || seen[cluster.EventJobDone] != 7 {
		t.Fatalf("event counts %v: want 2 batch.done, 1 pool.scale, 7 job.done", seen)
	}
}

func TestWSSnapshotListsNewestBatchesFirst(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	var ids []string
	for range 3 {
		ids = append(ids, waitList(t, a.c, submitList(t, a.c, "sleep", 0).ID).ID)
	}
	snap := readSnapshot(t, dialWS(t, a.url, "", nil))
	if len(snap.Batches) != 3 || snap.Batches[0].ID != ids[2] || snap.Batches[2].ID != ids[0] {
		t.Fatalf("snapshot batches %+v, want %v newest first", snap.Batches, ids)
	}
	if snap.Batches[0].Jobs != nil || snap.Batches[0].State != cluster.BatchDone {
		t.Fatalf("snapshot batch %+v: want a done summary without jobs", snap.Batches[0])
	}
}

func TestWSResumeSendsExactlyTheMissedEvents(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	first := dialWS(t, a.url, "", nil)
	snap := readSnapshot(t, first)
	first.Close(websocket.StatusNormalClosure, "")
	waitList(t, a.c, submitList(t, a.c, "sleep", 1, 2, 3).ID)
	last := a.c.LastSeq()
	missed, ok := a.c.EventsSince(snap.Seq)
	if !ok || len(missed) == 0 {
		t.Fatalf("no missed events to resume (ok=%v)", ok)
	}
	conn := dialWS(t, a.url, fmt.Sprintf("?since=%d", snap.Seq), nil)
	sameEvents(t, readUntil(t, conn, snap.Seq, last), missed)
	if err := a.c.Scale(2); err != nil { // one more event, delivered live
		t.Fatal(err)
	}
	if m := readWS(t, conn); m.Seq != last+1 || m.Type != cluster.EventScale {
		t.Fatalf("live event %+v, want pool.scale seq %d", m, last+1)
	}
}

func TestWSResumeAtLastSeqSendsOnlyNewEvents(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	last := a.c.LastSeq()
	conn := dialWS(t, a.url, fmt.Sprintf("?since=%d", last), nil)
	if err := a.c.Scale(2); err != nil {
		t.Fatal(err)
	}
	if m := readWS(t, conn); m.Type != cluster.EventScale || m.Seq != last+1 {
		t.Fatalf("first message %+v, want pool.scale seq %d and no snapshot", m, last+1)
	}
}

func TestWSResumeTooOldOrUnknownGetsSnapshot(t *testing.T) {
	a := newAPIServer(t, cluster.Options{EventHistory: 16}, Config{})
	waitList(t, a.c, submitList(t, a.c, "sleep", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ID)
	if _, ok := a.c.EventsSince(1); ok {
		t.Fatalf("the ring still holds every event after seq 1 (last seq %d)", a.c.LastSeq())
	}
	last := a.c.LastSeq()
	for _, since := range []uint64{1, last + 1000} {
		snap := readSnapshot(t, dialWS(t, a.url, fmt.Sprintf("?since=%d", since), nil))
		if snap.Seq != last {
			t.Fatalf("since=%d: snapshot at seq %d, want %d", since, snap.Seq, last)
		}
	}
}

func TestWSRejectsBadSince(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	for _, q := range []string{"?since=abc", "?since=-1", "?since=1e3"} {
		_, resp, err := dialWSResp(a.url, q, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: err %v, resp %v; want 400", q, err, resp)
		}
	}
}

func TestWSChecksOrigin(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	foreign := &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}}
	_, resp, err := dialWSResp(a.url, "", foreign)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: err %v, resp %v; want 403", err, resp)
	}
	same := &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {a.url}}}
	readSnapshot(t, dialWS(t, a.url, "", same))
}

func TestWSClientLimit(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{MaxWSClients: 2})
	c1 := dialWS(t, a.url, "", nil)
	readSnapshot(t, c1)
	readSnapshot(t, dialWS(t, a.url, "", nil))
	_, resp, err := dialWSResp(a.url, "", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third client: err %v, resp %v; want 503", err, resp)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("refusal Content-Type %q, want the JSON error", ct)
	}
	c1.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the hub to forget the closed client", func() bool { return a.s.hub.clients() < 2 })
	readSnapshot(t, dialWS(t, a.url, "", nil))
}

func TestWSServerCloseSaysGoingAway(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	conn := dialWS(t, a.url, "", nil)
	readSnapshot(t, conn)
	read := make(chan error, 1)
	go func() { // a browser reads all the time, so it answers the close at once
		_, err := tryReadWS(conn, time.Minute)
		read <- err
	}()
	a.s.Close()
	err := <-read
	if st := websocket.CloseStatus(err); st != websocket.StatusGoingAway {
		t.Fatalf("read after close: %v (status %v), want 1001", err, st)
	}
	if n := a.s.hub.clients(); n != 0 {
		t.Fatalf("%d clients after close", n)
	}
	_, resp, err := dialWSResp(a.url, "", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after close: err %v, resp %v; want 503", err, resp)
	}
}

func TestWSPoolCloseEndsStreams(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	conn := dialWS(t, a.url, "", nil)
	readSnapshot(t, conn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := a.c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := tryReadWS(conn, time.Minute)
		if err == nil {
			continue // the workers' exits
		}
		if st := websocket.CloseStatus(err); st != websocket.StatusGoingAway {
			t.Fatalf("read after pool close: %v, want 1001", err)
		}
		return
	}
}

func TestWSClosesOnClientMessages(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	for _, tc := range []struct {
		size int
		want websocket.StatusCode
	}{{10, websocket.StatusPolicyViolation}, {2 * wsReadLimit, websocket.StatusMessageTooBig}} {
		conn := dialWS(t, a.url, "", nil)
		readSnapshot(t, conn)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := conn.Write(ctx, websocket.MessageText, []byte(strings.Repeat("x", tc.size)))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		_, err = tryReadWS(conn, time.Minute)
		if st := websocket.CloseStatus(err); st != tc.want {
			t.Fatalf("after a %d-byte message: %v, want close status %v", tc.size, err, tc.want)
		}
		waitFor(t, "the hub to drop the client", func() bool { return a.s.hub.clients() == 0 })
	}
}

func TestWSCountsClientsInMetrics(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	conn := dialWS(t, a.url, "", nil)
	readSnapshot(t, conn)
	gauge := func() string {
		for _, line := range strings.Split(string(a.get("/metrics").body), "\n") {
			if strings.HasPrefix(line, "gocluster_websocket_clients ") {
				return strings.TrimPrefix(line, "gocluster_websocket_clients ")
			}
		}
		return ""
	}
	if g := gauge(); g != "1" {
		t.Fatalf("gocluster_websocket_clients %q with one client, want 1", g)
	}
	conn.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the gauge to drop", func() bool { return gauge() == "0" })
}
