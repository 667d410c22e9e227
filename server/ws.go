package server

// The WebSocket stream, GET /ws[?since=SEQ&run=RUN]. The server only sends; every
// message is one JSON text message:
//
//   - first, unless resuming, a snapshot:
//     {"type":"snapshot","run":RUN,"seq":N,"pool":PoolInfo,"batches":[BatchInfo...]}, where N
//     is the seq of the last event the snapshot reflects and batches are the 50
//     newest job lists, newest first, without their jobs;
//   - then every event (cluster.Event, as in /api/events) after N, in seq order,
//     each exactly once.
//
// With ?since=SEQ the client resumes: when the pool still keeps every event after
// SEQ, they come first (no snapshot), then the live ones; otherwise (too old, or a
// SEQ the server never reached, or a RUN other than the current one: the primary
// restarted) a snapshot comes first. A
// client that falls behind by WSSendQueue events gets a new snapshot at any time
// (so a client must always accept one); after three within 30 s it is closed with
// 1013 (try again later). A client that sends a message is closed with 1008, one
// whose message is over 4 KiB with 1009; on shutdown every client gets 1001. The
// server pings every 20 s and gives up on a client that takes 10 s over a write.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
)

// wsReadLimit bounds what a client may send: it has nothing to say, so anything big
// is a mistake or an attack.
const wsReadLimit = 4 << 10

// snapshotBatches is how many job lists (newest first) a snapshot carries.
const snapshotBatches = 50

func (s *Server) mountWS(r chi.Router) {
	r.Get("/ws", s.handleWS)
	r.Get("/ws/fragments", s.handleFragments)
}

// handleWS upgrades GET /ws?since=SEQ to a WebSocket and streams a snapshot (or the
// missed events) and then every event. Accept refuses a foreign Origin with 403.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	since, err := parseSince(r.URL.Query().Get("since"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if s.checkRun(r.URL.Query().Get("run")) != nil {
		since = nil // a seq of another run: start over with a snapshot of this one
	}
	s.serveWS(w, r, func(conn *websocket.Conn) { s.hub.serve(conn, since) })
}

// serveWS admits a WebSocket client under MaxWSClients (the JSON stream and the
// fragments share the bound), upgrades and hands the socket to serve.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request, serve func(*websocket.Conn)) {
	if err := s.hub.admit(); err != nil {
		writeError(w, r, err)
		return
	}
	defer s.hub.release()
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept already answered: 403 for a foreign Origin, 426 for plain HTTP
	}
	conn.SetReadLimit(wsReadLimit)
	serve(conn)
}

// parseSince reads ?since=: absent is nil (start with a snapshot).
func parseSince(v string) (*uint64, error) {
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: since %q is not an event seq (a whole number >= 0)", cluster.ErrInvalid, clip(v))
	}
	return &n, nil
}

// clip shortens text echoed back in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// client is one WebSocket connection. Its goroutine (the handler's) is the only
// writer; the hub only does non-blocking sends to queue and resync.
type client struct {
	conn   *websocket.Conn
	queue  chan *wireMsg // events to write, in seq order
	resync chan struct{} // the hub took the client out of the fan-out
	pos    uint64        // owned by the hub goroutine: the last seq the client has
	// The client goroutine's count of recent resyncs, and when the last one was.
	resyncs    int
	lastResync time.Time
}

// wireMsg is one marshalled event, shared by every client's queue: a queue slot
// costs a pointer, not a slice header.
type wireMsg struct{ data []byte }

// writeBatch bounds how many queued messages share one write deadline.
const writeBatch = 64

// errTooSlow ends a client that keeps falling behind; errWrite one whose write or
// ping failed or timed out (the library has closed its socket then).
var (
	errTooSlow = errors.New("client too slow")
	errWrite   = errors.New("websocket write failed")
	// errClientData: the client sent a message; this stream only sends.
	errClientData = errors.New("client sent a data message")
)

// serve runs one client until it leaves, falls too far behind or the hub stops, then
// closes the connection with a status that says why.
func (h *hub) serve(conn *websocket.Conn, since *uint64) {
	h.metrics.wsConnected()
	defer h.metrics.wsDisconnected()
	cl := &client{conn: conn, queue: make(chan *wireMsg, h.cfg.WSSendQueue), resync: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		readPeer(conn, cancel)
	}()
	err := h.pump(ctx, cl, since)
	h.leave(cl)
	h.closeConn(conn, err, context.Cause(ctx))
	<-readDone
}

// readPeer reads what the client sends, which must be nothing, so that pongs and the
// close handshake are processed. It stands in for conn.CloseRead, whose goroutine
// stalls for 15 s when a client does send data (coder/websocket#429). Any message
// ends it: cancel gets errClientData, or the read error once the peer is gone.
func readPeer(conn *websocket.Conn, cancel context.CancelCauseFunc) {
	_, _, err := conn.Read(context.Background())
	if err == nil {
		err = errClientData
	}
	cancel(err)
}

// closeConn closes the socket with the status that explains err, pump's reason to
// stop; cause is why the read side ended, if it did.
func (h *hub) closeConn(conn *websocket.Conn, err, cause error) {
	switch {
	case errors.Is(err, errHubDone):
		conn.Close(websocket.StatusGoingAway, "server shutting down")
	case errors.Is(err, errTooSlow):
		h.drops.Add(1)
		conn.Close(websocket.StatusTryAgainLater, "too slow: reconnect with ?since=")
	case errors.Is(cause, errClientData):
		conn.Close(websocket.StatusPolicyViolation, "this stream takes no messages")
	case errors.Is(err, errWrite):
		h.drops.Add(1)
		conn.CloseNow() // the write timed out or failed: the socket is gone
	default:
		conn.CloseNow() // the peer left
	}
}

// pump writes the client's start (a snapshot or the missed events) and then its
// queue, pinging while idle.
func (h *hub) pump(ctx context.Context, cl *client, since *uint64) error {
	if err := h.attach(cl, since); err != nil {
		return err
	}
	ping := time.NewTicker(h.t.pingInterval)
	defer ping.Stop()
	for {
		select {
		case msg := <-cl.queue:
			if err := h.writeQueued(cl, msg); err != nil {
				return err
			}
		case <-cl.resync:
			if err := h.restart(cl); err != nil {
				return err
			}
		case <-ping.C:
			if err := h.ping(cl); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-h.done:
			return errHubDone
		}
	}
}

// restart resyncs a client the hub took out of the fan-out: what is queued is
// superseded by a new snapshot. A client that needs maxResyncs of them within
// resyncWindow is dropped.
func (h *hub) restart(cl *client) error {
	for len(cl.queue) > 0 {
		<-cl.queue
	}
	now := time.Now()
	if now.Sub(cl.lastResync) > h.t.resyncWindow {
		cl.resyncs = 0
	}
	cl.lastResync = now
	cl.resyncs++
	if cl.resyncs >= h.t.maxResyncs {
		return errTooSlow
	}
	return h.attach(cl, nil)
}

// attach brings a client into the fan-out. With since, the hub replays what it
// missed when the pool still remembers it; otherwise (or when it does not) the client
// gets a snapshot and the events after it.
func (h *hub) attach(cl *client, since *uint64) error {
	if since != nil {
		rep, err := h.requestJoin(cl, *since)
		if err != nil || rep.ok {
			return errors.Join(err, h.writeEvents(cl, rep.replay))
		}
	}
	for range 3 {
		snap, err := h.snap.get()
		if err != nil {
			return err
		}
		rep, err := h.requestJoin(cl, snap.seq)
		if err != nil {
			return err
		}
		if rep.ok {
			return errors.Join(h.write(cl, snap.msg), h.writeEvents(cl, rep.replay))
		}
	}
	return fmt.Errorf("%w: events move faster than snapshots", errTooSlow)
}

// writeEvents writes replayed events, one message each.
func (h *hub) writeEvents(cl *client, evs []cluster.Event) error {
	for _, ev := range evs {
		msg, err := marshalText(ev)
		if err != nil {
			return fmt.Errorf("marshal event %d: %w", ev.Seq, err)
		}
		if err := h.write(cl, msg); err != nil {
			return err
		}
	}
	return nil
}

// writeQueued writes msg and whatever else is queued now, up to writeBatch messages
// under one deadline. It stops early when the hub resynced the client: the rest of
// the queue is stale.
func (h *hub) writeQueued(cl *client, msg *wireMsg) error {
	ctx, cancel, err := h.writeContext()
	if err != nil {
		return err
	}
	defer cancel()
	for i := 1; ; i++ {
		if err := cl.write(ctx, msg.data); err != nil {
			return err
		}
		if i == writeBatch || len(cl.resync) > 0 {
			return nil
		}
		select {
		case msg = <-cl.queue:
		default:
			return nil
		}
	}
}

// write sends one message under its own deadline.
func (h *hub) write(cl *client, msg []byte) error {
	ctx, cancel, err := h.writeContext()
	if err != nil {
		return err
	}
	defer cancel()
	return cl.write(ctx, msg)
}

// writeContext is the deadline of a write. After close it refuses, so the client
// gets a clean 1001 rather than a write cut short.
func (h *hub) writeContext() (context.Context, context.CancelFunc, error) {
	select {
	case <-h.done:
		return nil, nil, errHubDone
	default:
	}
	ctx, cancel := context.WithTimeout(h.ctx, h.t.writeTimeout)
	return ctx, cancel, nil
}

// write sends one text message.
func (cl *client) write(ctx context.Context, msg []byte) error {
	if err := cl.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("%w: %w", errWrite, err)
	}
	return nil
}

// ping checks that an idle client still answers.
func (h *hub) ping(cl *client) error {
	ctx, cancel := context.WithTimeout(h.ctx, h.t.writeTimeout)
	defer cancel()
	if err := cl.conn.Ping(ctx); err != nil {
		return fmt.Errorf("%w: ping: %w", errWrite, err)
	}
	return nil
}

// snapshotMsg is the first message of a stream: the pool and the newest job lists
// as of event Seq.
type snapshotMsg struct {
	Type    string              `json:"type"`
	Run     string              `json:"run"`
	Seq     uint64              `json:"seq"`
	Pool    cluster.PoolInfo    `json:"pool"`
	Batches []cluster.BatchInfo `json:"batches"`
}

// snapshot is a marshalled snapshotMsg and its seq.
type snapshot struct {
	msg []byte
	seq uint64
	at  time.Time
}

// snapshotter takes snapshots for clients, and shares one among clients that ask
// while no event happened (e.g. after a resync of every client), for at most a
// second so worker CPU and memory figures stay fresh.
type snapshotter struct {
	c    *cluster.Cluster
	mu   sync.Mutex
	last snapshot
}

// get returns a snapshot whose pool and job lists reflect exactly the events up to
// its seq: cluster.Snapshot takes both at one moment of the pool.
func (s *snapshotter) get() (snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last.msg != nil && s.last.seq == s.c.LastSeq() && time.Since(s.last.at) < time.Second {
		return s.last, nil
	}
	m := snapshotMsg{Type: "snapshot"}
	m.Pool, m.Batches = s.c.Snapshot(snapshotBatches)
	m.Seq, m.Run = m.Pool.LastSeq, m.Pool.Run
	if m.Batches == nil {
		m.Batches = []cluster.BatchInfo{}
	}
	msg, err := marshalText(m)
	if err != nil {
		return snapshot{}, fmt.Errorf("marshal snapshot: %w", err)
	}
	s.last = snapshot{msg: msg, seq: m.Seq, at: time.Now()}
	return s.last, nil
}
