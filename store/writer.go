package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// retryAfter is how long the writer waits before it tries a failed group again
// (a full disk may be freed). aliveEvery is how often an idle writer still writes
// its run's alive_at, so that tries lost with the primary end close to its death.
const (
	retryAfter = time.Second
	aliveEvery = time.Second
)

// writer is the group commit: the pool records changes without waiting, and one
// goroutine writes what gathered in one transaction per window or per group.
type writer struct {
	db     *sql.DB
	window time.Duration
	group  int
	log    *slog.Logger

	mu       sync.Mutex
	run      string // the run whose alive_at each group writes; "" before Begin
	pending  group
	recorded uint64        // changes recorded so far
	durable  uint64        // of those, the ones written
	err      error         // the last write's failure; nil once one succeeds
	written  chan struct{} // closed (and replaced) after each attempt to write

	lastWrite time.Time // of the last group written; the loop's alone

	wake   chan struct{}
	quit   chan struct{}
	exited chan struct{}
	once   sync.Once
}

func newWriter(db *sql.DB, window time.Duration, group int, log *slog.Logger) *writer {
	w := &writer{db: db, window: window, group: group, log: log, written: make(chan struct{}),
		wake: make(chan struct{}, 1), quit: make(chan struct{}), exited: make(chan struct{})}
	go w.loop()
	return w
}

func (w *writer) record(ch cluster.Change) {
	w.mu.Lock()
	w.pending.add(&ch)
	w.recorded++
	full := w.pending.n >= w.group
	w.mu.Unlock()
	if full || len(w.wake) == 0 {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// loop writes a group whenever changes are pending: after the window, or at once
// when a group is full; after a failure it waits retryAfter and tries again. With
// nothing to write for aliveEvery, it writes the run's alive_at alone.
func (w *writer) loop() {
	defer close(w.exited)
	beat := time.NewTicker(aliveEvery)
	defer beat.Stop()
	for {
		select {
		case <-w.wake:
		case <-beat.C:
			if time.Since(w.lastWrite) >= aliveEvery {
				w.commit(true)
			}
			continue
		case <-w.quit:
			w.commit(true)
			return
		}
		if !w.gather() {
			w.commit(true)
			return
		}
		for w.commit(false) != nil {
			select {
			case <-time.After(retryAfter):
			case <-w.quit:
				return
			}
		}
	}
}

// gather waits out the window unless a group is already full; false if quit came.
func (w *writer) gather() bool {
	w.mu.Lock()
	full := w.pending.n >= w.group
	w.mu.Unlock()
	if full {
		return true
	}
	t := time.NewTimer(w.window)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return true
		case <-w.quit:
			return false
		case <-w.wake:
			w.mu.Lock()
			full = w.pending.n >= w.group
			w.mu.Unlock()
			if full {
				return true
			}
		}
	}
}

// commit writes the pending changes, and the run's alive_at, in one transaction;
// with none pending, only if alive says so. On failure they stay pending, in
// order, ahead of newer ones.
func (w *writer) commit(alive bool) error {
	w.mu.Lock()
	batch, target, run := w.pending, w.recorded, w.run
	w.pending = group{}
	w.mu.Unlock()
	if batch.n == 0 && (!alive || run == "") {
		return nil
	}
	now := time.Now()
	batch.seal()
	err := writeGroup(w.db, &batch, run, now)
	if err == nil {
		w.lastWrite = now
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.pending = batch.before(w.pending)
	} else {
		w.durable = target
	}
	w.logStreak(err)
	w.err = err
	close(w.written)
	w.written = make(chan struct{})
	return err
}

// logStreak logs a write's failure when it starts a streak of them, and the
// first success after one; w.mu is held (w.err is the previous write's).
func (w *writer) logStreak(err error) {
	switch {
	case err != nil && w.err == nil:
		w.log.Error("history store: a write failed; new job lists are refused (507) and the write is tried again every second",
			"err", err, "pending", w.pending.n)
	case err == nil && w.err != nil:
		w.log.Info("history store: writes succeed again; new job lists are accepted")
	}
}

// flush waits until what was recorded before the call is written, or a write
// failed, or ctx ended.
func (w *writer) flush(ctx context.Context) error {
	w.mu.Lock()
	target := w.recorded
	for w.durable < target {
		if w.err != nil {
			err := w.err
			w.mu.Unlock()
			return err
		}
		ch := w.written
		w.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		w.mu.Lock()
	}
	w.mu.Unlock()
	return nil
}

// setRun names the run whose alive_at every group writes from now on.
func (w *writer) setRun(run string) {
	w.mu.Lock()
	w.run = run
	w.mu.Unlock()
}

func (w *writer) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// close writes what is pending and stops the goroutine; it returns the last
// write's failure (what could not be written is lost).
func (w *writer) close() error {
	w.once.Do(func() { close(w.quit) })
	<-w.exited
	return w.failure()
}

// group is what gathers for one transaction: each list's job changes already
// encoded as its chunk (on the pool's goroutine: a few bytes a job, no pointers
// for the garbage collector, instead of a Change copied and kept), the other
// changes queued as they came, and the rows of chunks a failed write left.
type group struct {
	changes changes
	encs    map[string]*encoder
	order   []string // the lists of encs, as they came
	rows    []chunkRow
	n       int // changes recorded into the group

	lastList string // the list of the latest job change, and its encoder
	lastEnc  *encoder
}

// chunkRow is one row of chunks to write: a list's job records of one group.
type chunkRow struct {
	list string
	body []byte
}

func (g *group) add(ch *cluster.Change) {
	g.n++
	switch ch.Type {
	case cluster.ChangeStart, cluster.ChangeEnd, cluster.ChangeLost:
	default:
		g.changes.add(*ch)
		return
	}
	if ch.List != g.lastList || g.lastEnc == nil {
		e := g.encs[ch.List]
		if e == nil {
			if g.encs == nil {
				g.encs = map[string]*encoder{}
			}
			e = &encoder{}
			g.encs[ch.List] = e
			g.order = append(g.order, ch.List)
		}
		g.lastList, g.lastEnc = ch.List, e
	}
	g.lastEnc.add(ch)
}

// seal turns the group's encoders into rows.
func (g *group) seal() {
	for _, list := range g.order {
		g.rows = append(g.rows, chunkRow{list: list, body: g.encs[list].buf})
	}
	g.encs, g.order, g.lastList, g.lastEnc = nil, nil, "", nil
}

// before is the sealed group g, whose write failed, put ahead of the newer
// group next: written first when the write is tried again.
func (g group) before(next group) group {
	next.changes.chunks = append(g.changes.chunks, next.changes.chunks...)
	next.changes.n += g.changes.n
	next.rows = append(g.rows, next.rows...)
	next.n += g.n
	return next
}

// changes is a queue of changes in chunks of chunkSize: appending never copies
// what is queued (a growing slice would, on the pool's goroutine).
type changes struct {
	chunks [][]cluster.Change
	n      int
}

const chunkSize = 1024

func (c *changes) add(ch cluster.Change) {
	last := len(c.chunks) - 1
	if last < 0 || len(c.chunks[last]) == cap(c.chunks[last]) {
		c.chunks = append(c.chunks, make([]cluster.Change, 0, chunkSize))
		last++
	}
	c.chunks[last] = append(c.chunks[last], ch)
	c.n++
}

// each calls f with every change in order, and its index; it stops at f's error.
func (c *changes) each(f func(i int, ch *cluster.Change) error) error {
	i := 0
	for _, chunk := range c.chunks {
		for k := range chunk {
			if err := f(i, &chunk[k]); err != nil {
				return err
			}
			i++
		}
	}
	return nil
}
