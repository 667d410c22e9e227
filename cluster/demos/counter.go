package demos

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gocluster/gocluster/cluster"
)

// reqCounter is the primary's numReqs with each worker's share. The pool calls
// onMessage on its own goroutine and the demo prints from another, hence the lock.
type reqCounter struct {
	mu     sync.Mutex
	total  int64
	byID   map[int]int64
	others int64 // messages that were not notifyRequest
}

// onMessage is the lesson's messageHandler: it counts notifyRequest messages.
func (r *reqCounter) onMessage(from cluster.WorkerInfo, msg json.RawMessage) {
	if !isNotifyRequest(msg) {
		r.mu.Lock()
		r.others++
		r.mu.Unlock()
		return
	}
	r.add(from.ID, 1)
}

func (r *reqCounter) add(id int, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID = map[int]int64{}
	}
	r.byID[id] += n
	r.total += n
}

// line is "numReqs = N (worker 1: a, worker 2: b)".
func (r *reqCounter) line() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]int, 0, len(r.byID))
	for id := range r.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s: %d", label(id), r.byID[id])
	}
	s := fmt.Sprintf("numReqs = %d", r.total)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if r.others > 0 {
		s += fmt.Sprintf(", %d other messages", r.others)
	}
	return s
}
