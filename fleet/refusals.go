package fleet

import (
	"log/slog"
	"net"
	"sync"
	"time"
)

// refusalQuiet is how long the same refusal (same reason, agent name and client
// host) stays out of the log after it was logged once. A refused agent retries
// about twice a second until it gives up, and a stray client may retry forever:
// one line a minute per cause, with how many were not logged, tells the operator
// as much without filling the journal.
const refusalQuiet = time.Minute

// maxRefusalKeys bounds the memory a flood of distinct names or hosts can take.
// When the table is full, causes older than refusalQuiet make room; a new cause
// that still finds no room is counted with the budget's suppressed ones.
const maxRefusalKeys = 4096

// refusalBudget is how many refusal lines all causes together may log per
// refusalQuiet: a client that changes its name (or IPv6 address) on every try is
// a new cause each time. Past it refusals are only counted; the first line after
// the window says how many ("others_suppressed").
const refusalBudget = 60

// refusalLog logs refused NATS connections, at most once per cause per
// refusalQuiet. It is safe for concurrent use: the NATS server authenticates
// clients on their own goroutines.
type refusalLog struct {
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	seen   map[refusalKey]*refusalCount
	window time.Time // when the budget's window began
	lines  int       // lines logged in it
	over   int       // refusals not logged for the budget or a full table
}

type refusalKey struct{ why, name, host string }

type refusalCount struct {
	logged     time.Time
	suppressed int
}

// refused logs msg with the client's name and address, unless this cause was
// logged less than refusalQuiet ago; then it is only counted, and the next line
// says how many were not logged ("suppressed").
func (r *refusalLog) refused(msg, name, from string) {
	now := r.clock()
	host := from
	if h, _, err := net.SplitHostPort(from); err == nil {
		host = h // a retry comes from a new port each time
	}
	k := refusalKey{msg, name, host}
	r.mu.Lock()
	c := r.seen[k]
	if c != nil && now.Sub(c.logged) < refusalQuiet {
		c.suppressed++
		r.mu.Unlock()
		return
	}
	if now.Sub(r.window) >= refusalQuiet {
		r.window, r.lines = now, 0
	}
	if r.lines >= refusalBudget || c == nil && !r.room(now) {
		r.over++
		r.mu.Unlock()
		return
	}
	suppressed, over := 0, r.over
	if c != nil {
		suppressed = c.suppressed
	}
	r.seen[k] = &refusalCount{logged: now}
	r.lines, r.over = r.lines+1, 0
	r.mu.Unlock()
	attrs := []any{"agent", name, "from", from}
	if suppressed > 0 {
		attrs = append(attrs, "suppressed", suppressed, "quiet", refusalQuiet)
	}
	if over > 0 {
		attrs = append(attrs, "others_suppressed", over)
	}
	r.log.Warn(msg, attrs...)
}

// room makes room in the table for one more cause, dropping causes last logged
// refusalQuiet ago or more; false when it is still full. Called with mu held.
func (r *refusalLog) room(now time.Time) bool {
	if r.seen == nil {
		r.seen = map[refusalKey]*refusalCount{}
	}
	if len(r.seen) < maxRefusalKeys {
		return true
	}
	for k, c := range r.seen {
		if now.Sub(c.logged) >= refusalQuiet {
			r.over += c.suppressed // still told, with the next line
			delete(r.seen, k)
		}
	}
	return len(r.seen) < maxRefusalKeys
}

func (r *refusalLog) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}
