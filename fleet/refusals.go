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

// maxRefusalKeys bounds the memory a flood of distinct names or hosts can take:
// past it the table starts over (some lines are then logged early, never lost).
const maxRefusalKeys = 4096

// refusalLog logs refused NATS connections, at most once per cause per
// refusalQuiet. It is safe for concurrent use: the NATS server authenticates
// clients on their own goroutines.
type refusalLog struct {
	log *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	seen map[refusalKey]*refusalCount
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
	if r.seen == nil || len(r.seen) >= maxRefusalKeys {
		r.seen = map[refusalKey]*refusalCount{}
	}
	c := r.seen[k]
	if c != nil && now.Sub(c.logged) < refusalQuiet {
		c.suppressed++
		r.mu.Unlock()
		return
	}
	suppressed := 0
	if c != nil {
		suppressed = c.suppressed
	}
	r.seen[k] = &refusalCount{logged: now}
	r.mu.Unlock()
	attrs := []any{"agent", name, "from", from}
	if suppressed > 0 {
		attrs = append(attrs, "suppressed", suppressed, "quiet", refusalQuiet)
	}
	r.log.Warn(msg, attrs...)
}

func (r *refusalLog) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}
