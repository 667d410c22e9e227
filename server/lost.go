package server

import (
	"sync"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// Bounds of what lostAttempts keeps: a list's page shows its lost attempts while the
// pool still keeps the list; these keep the memory of a long-running server flat.
const (
	maxLostLists   = 64
	maxLostPerList = 500
)

// lostAttempts remembers, from the job and exit events, the attempts whose worker died
// under them: the pool keeps a job's last attempt only, and a timeline that drops a
// killed attempt leaves an unexplained gap before the retry. Lists too big for
// per-job events (PerJobEvents) have none.
type lostAttempts struct {
	mu      sync.Mutex
	running map[int64]lostRun // by job id
	lost    map[string][]web.LostAttempt
	order   []string // lists in lost, oldest first
}

type lostRun struct {
	batch string
	a     web.LostAttempt
}

func newLostAttempts() *lostAttempts {
	return &lostAttempts{running: map[int64]lostRun{}, lost: map[string][]web.LostAttempt{}}
}

func (l *lostAttempts) observe(ev cluster.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev.Type {
	case cluster.EventJobStarted:
		a := web.LostAttempt{Job: ev.Job, Worker: ev.Worker, PID: ev.PID, Start: ev.Time}
		a.Input = ev.Input
		l.running[ev.Job] = lostRun{batch: ev.Batch, a: a}
	case cluster.EventJobDone, cluster.EventJobFailed:
		delete(l.running, ev.Job)
	case cluster.EventExit:
		for id, r := range l.running {
			if r.a.Worker == ev.Worker {
				r.a.End, r.a.Signal = ev.Time, exitWords(ev)
				l.add(r.batch, r.a)
				delete(l.running, id)
			}
		}
	}
}

func (l *lostAttempts) add(batch string, a web.LostAttempt) {
	if _, ok := l.lost[batch]; !ok {
		l.order = append(l.order, batch)
		if len(l.order) > maxLostLists {
			delete(l.lost, l.order[0])
			l.order = l.order[1:]
		}
	}
	if len(l.lost[batch]) < maxLostPerList {
		l.lost[batch] = append(l.lost[batch], a)
	}
}

// of returns the lost attempts of list id.
func (l *lostAttempts) of(id string) []web.LostAttempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]web.LostAttempt(nil), l.lost[id]...)
}
