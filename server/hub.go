package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// hubTimings are the hub's clocks and bounds. They are fields, not constants, so
// tests can shorten them; defaultHubTimings documents the production values.
type hubTimings struct {
	// writeTimeout bounds every write and ping to one client; a client that cannot
	// take a message within it is dropped.
	writeTimeout time.Duration
	// pingInterval is how often an idle client is pinged, so dead peers and proxies
	// that drop idle connections are noticed.
	pingInterval time.Duration
	// maxResyncs resyncs of one client within resyncWindow drop it: it cannot keep up
	// with the pool's event rate, and each resync costs a snapshot.
	maxResyncs   int
	resyncWindow time.Duration
	// subBuffer is the buffer of the hub's cluster.Follow (FollowOptions.Buffer).
	subBuffer int
	// closeGrace is how long close lets writes in flight finish before it cuts them
	// short: a cut write closes the socket without the 1001 close frame.
	closeGrace time.Duration
}

func defaultHubTimings() hubTimings {
	return hubTimings{writeTimeout: 10 * time.Second, pingInterval: 20 * time.Second,
		maxResyncs: 3, resyncWindow: 30 * time.Second, subBuffer: 2048, closeGrace: time.Second}
}

// hub fans the cluster's events out to WebSocket clients. One goroutine (run) owns
// the set of live clients and reads the hub's one cluster.Follow (a follower), so the
// pool publishes each event once however many browsers watch, and no client can slow the pool or
// another client: the hub only ever does non-blocking sends to bounded queues, and a
// client whose queue is full is taken out of the fan-out and resynced by its own
// goroutine with a fresh snapshot.
type hub struct {
	c       *cluster.Cluster
	cfg     Config
	metrics *metrics
	log     *slog.Logger
	t       hubTimings
	snap    snapshotter

	joins  chan joinReq
	leaves chan *client
	quit   chan struct{} // closed by close
	done   chan struct{} // closed when run returned: no more events
	// ctx is canceled by close so that writes stuck on a dead peer end at once.
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once

	mu     sync.Mutex // guards n and closed: admission of new clients
	n      int
	closed bool
	wg     sync.WaitGroup // one per admitted client

	resyncs atomic.Uint64 // clients resynced because they fell behind
	drops   atomic.Uint64 // clients dropped because they stayed behind
}

// newHub starts the hub's goroutine; close stops it.
func newHub(c *cluster.Cluster, cfg Config, m *metrics) *hub {
	return newHubTimed(c, cfg, m, defaultHubTimings())
}

// newHubTimed is newHub with the given timings (tests shorten them).
func newHubTimed(c *cluster.Cluster, cfg Config, m *metrics, t hubTimings) *hub {
	ctx, cancel := context.WithCancel(context.Background())
	h := &hub{c: c, cfg: cfg, metrics: m, log: cfg.Logger, t: t, snap: snapshotter{c: c},
		joins: make(chan joinReq), leaves: make(chan *client),
		quit: make(chan struct{}), done: make(chan struct{}), ctx: ctx, cancel: cancel}
	if h.log == nil {
		h.log = slog.Default()
	}
	st := &hubState{clients: map[*client]struct{}{}, last: c.LastSeq()}
	f := startFollower(c, st.last, &cluster.FollowOptions{Buffer: t.subBuffer, OnResume: h.resumed})
	go h.run(f, st)
	return h
}

// hubState is owned by the run goroutine.
type hubState struct {
	clients map[*client]struct{}
	last    uint64 // seq of the last event the hub handled
}

// run is the hub goroutine: it delivers events and handles joins and leaves until
// close, or until the cluster closes.
func (h *hub) run(f *follower, st *hubState) {
	defer close(h.done)
	for {
		select {
		case ev, ok := <-f.C:
			if !ok {
				return // the pool closed
			}
			h.handle(st, ev)
		case j := <-h.joins:
			h.join(st, j)
		case cl := <-h.leaves:
			delete(st.clients, cl)
		case <-h.quit:
			f.stop()
			return
		}
	}
}

// handle is run's step for one followed event: a gap, or an event to fan out.
func (h *hub) handle(st *hubState, ev cluster.Event) {
	if ev.Type == cluster.EventGap {
		h.gap(st, ev)
		return
	}
	h.fanout(st, ev)
}

// resumed notes that the hub fell behind the pool: cluster.Follow replays what the
// ring still holds, so clients notice nothing unless a gap follows.
func (h *hub) resumed(last uint64) {
	h.log.Warn("websocket hub fell behind the pool; resuming from the ring", "last_seq", last)
}

// gap handles events the hub lost (the ring moved on while it was behind): every
// client is resynced from a snapshot, and the hub carries on from the gap's seq.
func (h *hub) gap(st *hubState, ev cluster.Event) {
	h.log.Warn("websocket hub lost events; resyncing every client", "after_seq", st.last, "to_seq", ev.Seq)
	for cl := range st.clients {
		h.resync(st, cl)
	}
	st.last = ev.Seq
}

// fanout queues ev for every client that has not seen it. A full queue never blocks:
// that client is resynced instead.
func (h *hub) fanout(st *hubState, ev cluster.Event) {
	st.last = ev.Seq
	if len(st.clients) == 0 {
		return
	}
	data, err := marshalText(ev)
	if err != nil {
		h.log.Error("websocket hub: marshal event", "seq", ev.Seq, "err", err)
		return
	}
	msg := &wireMsg{data: data}
	for cl := range st.clients {
		if ev.Seq <= cl.pos {
			continue
		}
		select {
		case cl.queue <- msg:
		default:
			h.resync(st, cl)
		}
	}
}

// resync takes cl out of the fan-out and tells its goroutine to start again from a
// snapshot.
func (h *hub) resync(st *hubState, cl *client) {
	delete(st.clients, cl)
	h.resyncs.Add(1)
	select {
	case cl.resync <- struct{}{}:
	default:
	}
}

// joinReq asks the hub to add a client that has seen every event up to pos.
type joinReq struct {
	cl    *client
	pos   uint64
	reply chan joinReply // buffered: the hub never waits for the client
}

// joinReply carries the events the client must write itself before its queue: those
// after pos that the hub had already handled. ok is false when they are gone from
// the pool's ring (or pos is unknown), so the client needs a snapshot.
type joinReply struct {
	replay []cluster.Event
	ok     bool
}

// join adds j.cl at position j.pos. Events after the hub's last one will reach the
// client's queue; the ones between j.pos and that are handed back for replay, so the
// client sees every seq exactly once.
func (h *hub) join(st *hubState, j joinReq) {
	if j.pos > h.c.LastSeq() {
		j.reply <- joinReply{}
		return
	}
	var replay []cluster.Event
	if j.pos < st.last {
		evs, ok := h.c.EventsSince(j.pos)
		if !ok {
			j.reply <- joinReply{}
			return
		}
		for _, ev := range evs {
			if ev.Seq <= st.last {
				replay = append(replay, ev)
			}
		}
	}
	j.cl.pos = max(j.pos, st.last)
	st.clients[j.cl] = struct{}{}
	j.reply <- joinReply{replay: replay, ok: true}
}

// requestJoin asks the hub goroutine to add cl; errHubDone after the hub stopped.
func (h *hub) requestJoin(cl *client, pos uint64) (joinReply, error) {
	req := joinReq{cl: cl, pos: pos, reply: make(chan joinReply, 1)}
	select {
	case h.joins <- req:
	case <-h.done:
		return joinReply{}, errHubDone
	}
	return <-req.reply, nil
}

// leave takes cl out of the fan-out, if the hub still runs.
func (h *hub) leave(cl *client) {
	select {
	case h.leaves <- cl:
	case <-h.done:
	}
}

// errHubDone means the hub stopped: the server is closing or the pool closed.
var errHubDone = errors.New("websocket hub stopped")

// admit counts a new client in, or refuses it when the server is closing or already
// serves MaxWSClients. Every admitted client must call release.
func (h *hub) admit() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case h.n >= h.cfg.MaxWSClients:
		return fmt.Errorf("%w: too many live connections (at most %d); try again later",
			errUnavailable, h.cfg.MaxWSClients)
	}
	h.n++
	h.wg.Add(1)
	return nil
}

func (h *hub) release() {
	h.mu.Lock()
	h.n--
	h.mu.Unlock()
	h.wg.Done()
}

// clients is how many clients are admitted now.
func (h *hub) clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// close stops the hub goroutine, closes every client with 1001 (going away) and
// waits for all of their goroutines. It is safe to call more than once.
func (h *hub) close() {
	h.once.Do(func() {
		h.mu.Lock()
		h.closed = true
		h.mu.Unlock()
		close(h.quit)
		<-h.done
		// Clients see done and close with 1001; one stuck in a write to a peer that
		// does not read is cut short after the grace rather than the write timeout.
		waited := make(chan struct{})
		go func() {
			h.wg.Wait()
			close(waited)
		}()
		grace := time.NewTimer(h.t.closeGrace)
		defer grace.Stop()
		select {
		case <-waited:
		case <-grace.C:
		}
		h.cancel()
		<-waited
	})
}
