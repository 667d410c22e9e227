package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// newHubServer serves c with cfg and a hub using timings tm, behind ln (nil: a
// plain listener on 127.0.0.1). The server closes before the listener.
func newHubServer(t testing.TB, c *cluster.Cluster, cfg Config, tm hubTimings, ln net.Listener) (*Server, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	s := New(c, cfg)
	s.hub.close()
	s.hub = newHubTimed(c, s.cfg, s.metrics, tm) // before any request reads it
	ts := httptest.NewUnstartedServer(s.Handler())
	if ln != nil {
		ts.Listener.Close()
		ts.Listener = ln
	}
	ts.Start()
	t.Cleanup(ts.Close)
	t.Cleanup(s.Close)
	return s, ts.URL
}

// tinyFirstConn is a listener whose first accepted connection has a tiny, fixed
// send buffer, so a client that never reads fills it after a few kilobytes instead
// of the megabytes loopback's autotuning allows.
type tinyFirstConn struct {
	net.Listener
	n atomic.Int32
}

func (l *tinyFirstConn) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil && l.n.Add(1) == 1 {
		c.(*net.TCPConn).SetWriteBuffer(4096)
	}
	return c, err
}

// tinyReadBuffer dials with a small receive buffer, set before connecting so the
// TCP window stays small.
func tinyReadBuffer() *websocket.DialOptions {
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	tr := &http.Transport{DialContext: d.DialContext}
	return &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}}
}

// hubReader reads one client's stream in a goroutine and checks it: a snapshot, then
// every seq after it with no gap and no duplicate, until it has seen target.
type hubReader struct {
	conn   *websocket.Conn
	last   atomic.Uint64
	events atomic.Int64
	err    error // set before done closes
	done   chan struct{}
}

func startHubReader(conn *websocket.Conn) *hubReader {
	r := &hubReader{conn: conn, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = r.loop()
	}()
	return r
}

// loop reads until the server closes the connection.
func (r *hubReader) loop() error {
	first := true
	for {
		_, b, err := r.conn.Read(context.Background())
		if websocket.CloseStatus(err) == websocket.StatusGoingAway {
			return nil // the server closed
		}
		if err != nil {
			return fmt.Errorf("read after seq %d: %w", r.last.Load(), err)
		}
		var m struct {
			Type string `json:"type"`
			Seq  uint64 `json:"seq"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		switch {
		case first && m.Type != "snapshot":
			return fmt.Errorf("first message is %s %d, not a snapshot", m.Type, m.Seq)
		case !first && (m.Type == "snapshot" || m.Seq != r.last.Load()+1):
			return fmt.Errorf("after seq %d got %s %d", r.last.Load(), m.Type, m.Seq)
		}
		if !first {
			r.events.Add(1)
		}
		first = false
		r.last.Store(m.Seq)
	}
}

// waitReaders waits until every reader has seen seq; a reader that stopped fails
// the test.
func waitReaders(t *testing.T, readers []*hubReader, seq uint64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("every reader to reach seq %d", seq), func() bool {
		for i, r := range readers {
			select {
			case <-r.done:
				t.Fatalf("reader %d stopped at seq %d: %v", i, r.last.Load(), r.err)
			default:
			}
			if r.last.Load() < seq {
				return false
			}
		}
		return true
	})
}

func TestHubDropsAClientThatNeverReadsWithoutHurtingOthers(t *testing.T) {
	c := startPool(t, cluster.Options{})
	tm := defaultHubTimings()
	// The default 10 s: with 200 readers on a loaded 2-core machine, a 2 s deadline
	// for a batch of writes to a reader that does read was missed (readers dropped).
	tm.writeTimeout = 30 * time.Second // 10 s was missed once by a reader under two suites and four hogs
	// No pings: a reader starved of CPU for the write timeout would miss a pong and be
	// dropped too (it happened under load), and this test is about the write path.
	tm.pingInterval = time.Hour
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, url := newHubServer(t, c, Config{}, tm, &tinyFirstConn{Listener: ln})
	slow := dialWS(t, url, "", tinyReadBuffer()) // never read
	readers := make([]*hubReader, 200)
	for i := range readers {
		readers[i] = startHubReader(dialWS(t, url, "", nil))
	}
	waitReaders(t, readers, 1) // every snapshot
	// ~250 events of ~250 bytes: far more than the slow socket holds. More lists
	// follow (at most 20) while it has not been dropped, so the test does not hang on
	// how much a loaded kernel lets one socket buffer.
	for i := 0; i < 3 || (i < 20 && s.hub.drops.Load() == 0); i++ {
		waitList(t, c, submitList(t, c, "sleep", make([]int64, 40)...).ID)
	}
	last := c.LastSeq()
	waitFor(t, "the slow client to be dropped", func() bool { return s.hub.drops.Load() >= 1 })
	waitReaders(t, readers, last)
	if d := s.hub.drops.Load(); d != 1 {
		t.Fatalf("%d clients dropped, want only the slow one", d)
	}
	waitFor(t, "only the readers to be left", func() bool { return s.hub.clients() == len(readers) })
	slow.CloseNow()
	s.Close() // ends the readers
	for i, r := range readers {
		<-r.done
		if r.err != nil {
			t.Fatalf("reader %d: %v", i, r.err)
		}
	}
	t.Logf("each reader got %d events; the slow client was dropped after %d resyncs",
		readers[0].events.Load(), s.hub.resyncs.Load())
}

// idleHub is a hub whose goroutine is not running, so a test can drive its
// fan-out step by step.
func idleHub(t *testing.T, c *cluster.Cluster) *hub {
	tm := defaultHubTimings()
	tm.subBuffer = 1
	return &hub{c: c, cfg: Config{WSSendQueue: 64}, log: testLogger(t), t: tm}
}

// newTestClient is a client with a queue and no connection: the hub goroutine's
// side only ever touches the queue and the resync signal.
func newTestClient(queue int) *client {
	return &client{queue: make(chan *wireMsg, queue), resync: make(chan struct{}, 1)}
}

// followBehind starts a follower with a one-event buffer, lets the hub take one
// event from it (so its subscription is in place), then publishes n pool.scale
// events while nobody reads it, so the pool drops it after the second. It returns
// the follower and the seq before the n events; resumed receives each OnResume.
func followBehind(t *testing.T, h *hub, st *hubState, n int) (f *follower, last uint64, resumed chan uint64) {
	t.Helper()
	resumed = make(chan uint64, 4)
	f = startFollower(h.c, h.c.LastSeq(), &cluster.FollowOptions{Buffer: 1,
		OnResume: func(last uint64) { resumed <- last }})
	t.Cleanup(f.stop)
	scale(t, h.c, 1)
	h.handle(st, <-f.C)
	last = h.c.LastSeq()
	scale(t, h.c, n)
	return f, last, resumed
}

func scale(t *testing.T, c *cluster.Cluster, n int) {
	t.Helper()
	for range n {
		if err := c.Scale(0); err != nil {
			t.Fatal(err)
		}
	}
}

// catchUp hands the hub what f delivers, as run does, until it reached the pool.
func catchUp(t *testing.T, h *hub, st *hubState, f *follower) {
	t.Helper()
	deadline := time.After(time.Minute)
	for st.last < h.c.LastSeq() {
		select {
		case ev := <-f.C:
			h.handle(st, ev)
		case <-deadline:
			t.Fatalf("hub at seq %d after a minute, pool at %d", st.last, h.c.LastSeq())
		}
	}
}

func TestHubResumesFromTheRingUnnoticed(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, EventHistory: 64})
	h := idleHub(t, c)
	cl := newTestClient(16)
	st := &hubState{clients: map[*client]struct{}{cl: {}}, last: c.LastSeq()}
	cl.pos = st.last
	f, last, resumed := followBehind(t, h, st, 5)
	<-cl.queue // the event before the five
	catchUp(t, h, st, f)
	if len(resumed) != 1 || len(cl.queue) != 5 || len(cl.resync) != 0 {
		t.Fatalf("%d resumes, %d queued, resync %d; want 1 resume, 5 queued, no resync",
			len(resumed), len(cl.queue), len(cl.resync))
	}
	for i := range uint64(5) {
		var ev cluster.Event
		json.Unmarshal((<-cl.queue).data, &ev)
		if ev.Seq != last+1+i {
			t.Fatalf("queued seq %d, want %d", ev.Seq, last+1+i)
		}
	}
}

func TestHubResyncsEveryClientAfterAGap(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1, EventHistory: 16})
	h := idleHub(t, c)
	a, b := newTestClient(64), newTestClient(64)
	st := &hubState{clients: map[*client]struct{}{a: {}, b: {}}, last: c.LastSeq()}
	a.pos, b.pos = st.last, st.last
	f, _, _ := followBehind(t, h, st, 20)
	catchUp(t, h, st, f)
	if len(st.clients) != 0 || len(a.resync) != 1 || len(b.resync) != 1 || h.resyncs.Load() != 2 {
		t.Fatalf("%d clients left, resync signals %d %d; want both resynced", len(st.clients), len(a.resync), len(b.resync))
	}
}

func TestHubResyncsAClientWhoseQueueIsFull(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	h := idleHub(t, c)
	full, ok := newTestClient(2), newTestClient(8)
	st := &hubState{clients: map[*client]struct{}{full: {}, ok: {}}}
	for seq := uint64(1); seq <= 3; seq++ {
		h.fanout(st, cluster.Event{Seq: seq, Type: cluster.EventScale})
	}
	if _, in := st.clients[full]; in || len(full.resync) != 1 {
		t.Fatal("the client with a full queue was not resynced")
	}
	if _, in := st.clients[ok]; !in || len(ok.queue) != 3 {
		t.Fatalf("the other client has %d events queued, want 3", len(ok.queue))
	}
}

func TestHubJoinReplaysWhatTheClientMissed(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	for range 3 {
		c.Scale(0)
	}
	h := idleHub(t, c)
	last := c.LastSeq()
	st := &hubState{clients: map[*client]struct{}{}, last: last}
	for _, tc := range []struct {
		pos    uint64
		ok     bool
		replay int
	}{{last - 2, true, 2}, {last, true, 0}, {last + 1, false, 0}} {
		cl := newTestClient(4)
		reply := make(chan joinReply, 1)
		h.join(st, joinReq{cl: cl, pos: tc.pos, reply: reply})
		rep := <-reply
		if rep.ok != tc.ok || len(rep.replay) != tc.replay {
			t.Fatalf("join at %d: ok %v, %d replayed; want %v, %d", tc.pos, rep.ok, len(rep.replay), tc.ok, tc.replay)
		}
		if _, in := st.clients[cl]; in != tc.ok || (tc.ok && cl.pos != last) {
			t.Fatalf("join at %d: in fan-out %v at %d", tc.pos, in, cl.pos)
		}
	}
}

func TestHubRestartDropsAClientResyncedTooOften(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	h := idleHub(t, c)
	cl := newTestClient(4)
	cl.queue <- &wireMsg{data: []byte("{}")}
	cl.resyncs, cl.lastResync = h.t.maxResyncs-1, time.Now().Add(-h.t.resyncWindow+time.Minute/2)
	if err := h.restart(cl); err != errTooSlow {
		t.Fatalf("restart after %d recent resyncs: %v, want errTooSlow", cl.resyncs, err)
	}
	if len(cl.queue) != 0 {
		t.Fatal("restart kept the stale queue")
	}
}

func TestHubResyncsASlowReaderThenDropsIt(t *testing.T) {
	c := startPool(t, cluster.Options{})
	tm := defaultHubTimings()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, url := newHubServer(t, c, Config{WSSendQueue: 4}, tm, &tinyFirstConn{Listener: ln})
	conn := dialWS(t, url, "", tinyReadBuffer())
	for range 3 {
		submitList(t, c, "sleep", slices.Repeat([]int64{1}, 300)...)
	}
	snapshots := 0
	for {
		m, err := tryReadWS(conn, time.Minute)
		if err != nil {
			if st := websocket.CloseStatus(err); st != websocket.StatusTryAgainLater {
				t.Fatalf("slow reader ended with %v, want close status 1013", err)
			}
			break
		}
		if m.Type == "snapshot" {
			snapshots++
		}
		time.Sleep(5 * time.Millisecond) // a reader slower than the pool
	}
	if snapshots != tm.maxResyncs || s.hub.resyncs.Load() < uint64(tm.maxResyncs) || s.hub.drops.Load() != 1 {
		t.Fatalf("%d snapshots, %d resyncs, %d drops; want the first snapshot, %d resyncs, then a drop",
			snapshots, s.hub.resyncs.Load(), s.hub.drops.Load(), tm.maxResyncs-1)
	}
}
