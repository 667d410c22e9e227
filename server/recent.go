package server

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// defaultDeadLinger is how long a dead worker's card stays in the panel: long
// enough for a class to see the card turn red before its replacement takes over.
const defaultDeadLinger = 8 * time.Second

// rateWindow is how far back the panel's jobs/s looks.
const rateWindow = 5 * time.Second

// recent is what the pool's snapshots forget and the panel shows: dead workers for a
// while, and jobs done a few seconds ago for the rate. The fragment hub feeds it
// events; page renders read it.
type recent struct {
	linger time.Duration

	mu      sync.Mutex
	known   map[int]web.WorkerView // the workers of the last render, by id
	dead    map[int]deadCard
	samples []doneSample
}

type deadCard struct {
	w     web.WorkerView
	until time.Time
}

type doneSample struct {
	at   time.Time
	done int64
}

func newRecent(linger time.Duration) *recent {
	return &recent{linger: linger, known: map[int]web.WorkerView{}, dead: map[int]deadCard{}}
}

// observe notes a worker's exit: its last card stays, dead, for linger.
func (r *recent) observe(ev cluster.Event) {
	if ev.Type != cluster.EventExit || r.linger <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.known[ev.Worker]
	if !ok {
		w = web.WorkerView{ID: ev.Worker, PID: ev.PID, Slot: ev.Slot}
	}
	w.State, w.CurrentJob, w.Exit = "dead", nil, exitWords(ev)
	r.dead[ev.Worker] = deadCard{w: w, until: ev.Time.Add(r.linger)}
}

// exitWords is how a dead card says its worker ended.
func exitWords(ev cluster.Event) string {
	how := ev.Signal
	if how == "" && ev.Code != nil {
		how = "exit code " + itoaInt(*ev.Code)
	}
	if ev.Reason != "" {
		return how + " (" + ev.Reason + ")"
	}
	return how
}

// workers returns live plus lingering dead cards, by id, and remembers the live ones.
func (r *recent) workers(live []web.WorkerView, now time.Time) []web.WorkerView {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.known)
	for _, w := range live {
		r.known[w.ID] = w
	}
	out := live
	for id, d := range r.dead {
		switch {
		case now.After(d.until):
			delete(r.dead, id)
		case r.known[id].ID == 0:
			out = append(out, d.w)
		}
	}
	sortWorkers(out)
	return out
}

// rate returns jobs per second over the last rateWindow, -1 before any job.
func (r *recent) rate(done int64, now time.Time) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples = append(r.samples, doneSample{at: now, done: done})
	i := 0
	for i < len(r.samples)-1 && now.Sub(r.samples[i+1].at) >= rateWindow {
		i++
	}
	r.samples = r.samples[i:]
	first := r.samples[0]
	dt := now.Sub(first.at).Seconds()
	switch {
	case done == 0:
		return -1
	case dt < 0.5:
		return 0
	}
	return float64(done-first.done) / dt
}

// sortWorkers orders cards by host, the primary's own first, then by id.
func sortWorkers(ws []web.WorkerView) {
	slices.SortFunc(ws, func(a, b web.WorkerView) int {
		if a.Local != b.Local {
			if a.Local {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.ID, b.ID))
	})
}

func itoaInt(n int) string { return strconv.Itoa(n) }
