package demos

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gocluster/gocluster/cluster"
)

// RequestCounter is the lesson's numReqs with each worker's share: its OnMessage is
// the primary's messageHandler, for cluster.Options.OnMessage. The pool calls it on
// its own goroutine while others read the counts, hence the lock.
type RequestCounter struct {
	mu     sync.Mutex
	total  int64
	byID   map[int]int64
	pids   map[int]int
	others int64 // messages that were not notifyRequest
}

// RequestCount is one worker's share of the requests.
type RequestCount struct {
	Worker   int
	PID      int // 0 if the worker was counted before it reported a request
	Requests int64
}

// OnMessage counts a notifyRequest message from a worker; others are only tallied.
func (r *RequestCounter) OnMessage(from cluster.WorkerInfo, msg json.RawMessage) {
	if !isNotifyRequest(msg) {
		r.mu.Lock()
		r.others++
		r.mu.Unlock()
		return
	}
	r.add(from.ID, from.PID, 1)
}

// add counts n more requests for worker id (n = 0 lists a worker that has none yet;
// pid 0, one whose pid is not known).
func (r *RequestCounter) add(id, pid int, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID, r.pids = map[int]int64{}, map[int]int{}
	}
	r.byID[id] += n
	r.total += n
	if pid != 0 {
		r.pids[id] = pid
	}
}

// Shares returns numReqs and each counted worker's share, by worker id.
func (r *RequestCounter) Shares() (total int64, shares []RequestCount) {
	r.mu.Lock()
	defer r.mu.Unlock()
	shares = make([]RequestCount, 0, len(r.byID))
	for id, n := range r.byID {
		shares = append(shares, RequestCount{Worker: id, PID: r.pids[id], Requests: n})
	}
	slices.SortFunc(shares, func(a, b RequestCount) int { return a.Worker - b.Worker })
	return r.total, shares
}

// line is "numReqs = N (worker 1: a, worker 2: b)".
func (r *RequestCounter) line() string {
	total, shares := r.Shares()
	parts := make([]string, len(shares))
	for i, s := range shares {
		parts[i] = fmt.Sprintf("%s: %d", label(s.Worker), s.Requests)
	}
	s := fmt.Sprintf("numReqs = %d", total)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	r.mu.Lock()
	others := r.others
	r.mu.Unlock()
	if others > 0 {
		s += fmt.Sprintf(", %d other messages", others)
	}
	return s
}

// LoadCommand is a shell loop that sends the http demo at addr n requests, to copy
// into a terminal.
func LoadCommand(addr string, n int) string {
	return fmt.Sprintf("for i in $(seq %d); do curl -s http://%s/ >/dev/null; done", n, addr)
}
