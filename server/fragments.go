package server

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/gocluster/gocluster/cluster"
)

// The panel's live pages are rendered by the server only: a fragment hub renders the
// parts of each page that changed, once per change for all the browsers showing
// that page, and pushes them over GET /ws/fragments; the browser swaps each element
// in by its id. The same templ components render the first page and the no-JS page.

// fragDelay coalesces a burst of events into one render; fragRefresh re-renders
// what changes without events (uptimes, CPU, the wall time of a running list).
const (
	fragDelay   = 2 * time.Millisecond
	fragRefresh = time.Second
	fragQueue   = 8 // messages a client may have unsent before it is given a full set
	// fragFollowBuffer is how far the hub may fall behind the pool's events before
	// it resumes from the ring.
	fragFollowBuffer = 1024
)

// fragment is one element of a page, by id, and the component that renders it.
// A list that only grows at its end (the event log) also gives tail: its items after
// a seq, in an element that says to append them; last is the seq of its last item.
// A change then costs its new lines, not the whole list, for every browser.
type fragment struct {
	id   string
	c    templ.Component
	tail func(after uint64) templ.Component
	last uint64
}

// fragView is one page as some clients see it (the panel, or a list's page of jobs):
// what it last rendered and who watches it.
type fragView struct {
	render  func(context.Context) []fragment
	clients map[*fragClient]struct{}
	last    map[string][]byte
	sent    map[string]uint64 // the last seq of each tail fragment's items
}

// fragClient is one browser: its queue of messages; full means it missed one, or is
// new, and gets every fragment next time.
type fragClient struct {
	ch   chan []byte
	full bool
}

// fragHub owns the views; its goroutine renders them.
type fragHub struct {
	c      *cluster.Cluster
	recent *recent

	mu    sync.Mutex
	views map[string]*fragView

	kick chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func newFragHub(c *cluster.Cluster, r *recent) *fragHub {
	h := &fragHub{c: c, recent: r, views: map[string]*fragView{}, kick: make(chan struct{}, 1),
		quit: make(chan struct{}), done: make(chan struct{})}
	go h.run()
	return h
}

// join adds a client to the view named key, built by render if new.
func (h *fragHub) join(key string, render func(context.Context) []fragment) *fragClient {
	cl := &fragClient{ch: make(chan []byte, fragQueue), full: true}
	h.mu.Lock()
	v := h.views[key]
	if v == nil {
		v = &fragView{render: render, clients: map[*fragClient]struct{}{}, last: map[string][]byte{},
			sent: map[string]uint64{}}
		h.views[key] = v
	}
	v.clients[cl] = struct{}{}
	h.mu.Unlock()
	h.poke()
	return cl
}

func (h *fragHub) leave(key string, cl *fragClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if v := h.views[key]; v != nil {
		delete(v.clients, cl)
		if len(v.clients) == 0 {
			delete(h.views, key)
		}
	}
}

func (h *fragHub) poke() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// run follows the pool's events and renders the views a moment after each burst,
// and every fragRefresh. When it fell so far behind that events were lost (a gap),
// nothing is lost but a dead card or two: the views are rendered from snapshots.
func (h *fragHub) run() {
	defer close(h.done)
	f := startFollower(h.c, h.c.LastSeq(), &cluster.FollowOptions{Buffer: fragFollowBuffer})
	defer f.stop()
	tick := time.NewTicker(fragRefresh)
	defer tick.Stop()
	var r renderPacer
	for {
		select {
		case ev, ok := <-f.C:
			if !ok {
				return // the pool closed
			}
			if ev.Type != cluster.EventGap {
				h.recent.observe(ev)
			}
			r.change(h.renderAll)
		case <-h.kick:
			r.change(h.renderAll)
		case <-r.due:
			r.render(h.renderAll)
		case <-tick.C:
			r.render(h.renderAll)
		case <-h.quit:
			r.stop()
			return
		}
	}
}

// renderPacer renders at once after a quiet spell, and coalesces a burst: a change
// within fragDelay of the last render is rendered fragDelay after it, with whatever
// else came meanwhile. A lone event thus costs no wait, and a thousand cost a
// render every fragDelay.
type renderPacer struct {
	last  time.Time
	timer *time.Timer
	due   <-chan time.Time // non-nil while a render is scheduled
}

func (p *renderPacer) change(render func()) {
	if p.due != nil {
		return // the scheduled render will show it
	}
	wait := fragDelay - time.Since(p.last)
	if wait <= 0 {
		p.render(render)
		return
	}
	if p.timer == nil {
		p.timer = time.NewTimer(wait)
	} else {
		p.timer.Reset(wait)
	}
	p.due = p.timer.C
}

func (p *renderPacer) render(render func()) {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.due = nil
	render()
	p.last = time.Now()
}

func (p *renderPacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}

// renderAll renders every watched view once and queues what changed to its clients.
func (h *fragHub) renderAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, v := range h.views {
		diff, full := v.update()
		for cl := range v.clients {
			msg := diff
			if cl.full {
				msg = full
			}
			if len(msg) == 0 {
				continue
			}
			select {
			case cl.ch <- msg:
				cl.full = false
			default:
				cl.full = true // it gets everything once it has room again
			}
		}
	}
}

// update renders the view and returns the fragments that changed and all of them.
func (v *fragView) update() (diff, full []byte) {
	var d, f bytes.Buffer
	ctx := context.Background()
	seqMoved := false
	for _, fr := range v.render(ctx) {
		var b bytes.Buffer
		if err := fr.c.Render(ctx, &b); err != nil {
			continue
		}
		changed := !bytes.Equal(v.last[fr.id], b.Bytes())
		if changed && fr.id == fragSeqID {
			seqMoved = true
		} else if changed {
			v.writeChange(ctx, &d, fr, b.Bytes())
		}
		v.last[fr.id] = b.Bytes()
		f.Write(b.Bytes())
	}
	if d.Len() > 0 || seqMoved {
		// The marker says which event the fragments reflect: tests and the benchmark
		// read it, the page ignores it. It goes out whenever it moved, even alone, so
		// a reader waiting for an event's seq always sees it (it once waited forever:
		// a render that showed the event's log line under the seq before it left
		// nothing else to send when the event's own render came).
		d.Write(v.last[fragSeqID])
	}
	return d.Bytes(), f.Bytes()
}

// writeChange writes what changed of fr: its new items if it has a tail and this view
// sent items before, else all of it.
func (v *fragView) writeChange(ctx context.Context, d *bytes.Buffer, fr fragment, all []byte) {
	after, ok := v.sent[fr.id]
	if fr.tail == nil || !ok || after >= fr.last || fr.tail(after).Render(ctx, d) != nil {
		d.Write(all)
	}
	if fr.tail != nil {
		v.sent[fr.id] = fr.last
	}
}

// close stops the goroutine; clients' handlers see done and close their sockets.
func (h *fragHub) close() {
	h.once.Do(func() {
		close(h.quit)
		<-h.done
	})
}
