package cluster

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// RestartPolicy says how the pool replaces workers that exit unexpectedly. The first
// restart of a slot is immediate; each further crash doubles the wait, from Backoff up
// to MaxBackoff, with ±Jitter spread so a crashing fleet does not restart in step. A
// worker that stays up StableAfter clears its slot's record. More than CrashLoopLimit
// crashes within CrashLoopWindow mark the slot degraded: a pool.degraded event says
// why, and the slot is not restarted for DegradedCooldown (or until the pool is
// scaled or restarted). Then one worker is tried in it; if that one stays up
// StableAfter, the slot has recovered (a pool.recovered event), and if it crashes
// the policy decides again, which usually means another cool-down.
//
// When names which exits are restarted at all (Docker's and systemd's words), and
// MaxMemory replaces a worker that grows too big (see memory.go).
type RestartPolicy struct {
	// When is RestartAlways (the default), RestartOnFailure or RestartNever. A
	// worker the policy does not restart leaves the pool, which shrinks by one (its
	// worker.exit event says so in Detail). Workers the pool itself killed (a job's
	// timeout or cancel, Worker.Kill) are replaced whatever When says: they are not
	// exits of their own.
	When            RestartWhen
	Backoff         time.Duration // default 100ms
	MaxBackoff      time.Duration // default 10s
	Jitter          float64       // fraction, default 0.2; negative disables
	StableAfter     time.Duration // default 30s
	CrashLoopWindow time.Duration // default 60s
	CrashLoopLimit  int           // default 5
	// DegradedCooldown is how long a degraded slot rests before it is tried again.
	// Default 30s; negative: never, until the pool is scaled or restarted (then
	// queued jobs fail at once when every slot is degraded, rather than wait).
	DegradedCooldown time.Duration
	// MaxMemory, if positive, is the most resident memory (RSS, bytes) a worker may
	// keep: one sampled over it MemorySamples times in a row is replaced gracefully,
	// as a rolling restart replaces it (its successor first, then it is drained).
	// Default: no limit.
	MaxMemory int64
	// MemoryInterval is how often workers' RSS is sampled for MaxMemory. Default 1s.
	MemoryInterval time.Duration
	// MemorySamples is how many samples in a row over MaxMemory replace a worker, so
	// that a short spike does not. Default 3.
	MemorySamples int
}

// RestartWhen says which worker exits the pool restarts.
type RestartWhen string

// The values of RestartPolicy.When, as Docker's --restart and systemd's Restart=
// name them.
const (
	RestartAlways    RestartWhen = "always"     // every exit: the default
	RestartOnFailure RestartWhen = "on-failure" // a non-zero exit code or a signal
	RestartNever     RestartWhen = "never"      // none: the pool shrinks
)

// ParseRestartWhen reads a RestartWhen; "" is RestartAlways.
func ParseRestartWhen(s string) (RestartWhen, error) {
	switch w := RestartWhen(s); w {
	case "":
		return RestartAlways, nil
	case RestartAlways, RestartOnFailure, RestartNever:
		return w, nil
	}
	return "", fmt.Errorf("%w: restart policy %q: want always, on-failure or never", ErrInvalid, s)
}

// restarts reports whether an exit with this code or signal (sig non-empty) is
// restarted.
func (w RestartWhen) restarts(code int, sig string) bool {
	switch w {
	case RestartNever:
		return false
	case RestartOnFailure:
		return sig != "" || code != 0
	}
	return true
}

func (p RestartPolicy) withDefaults() RestartPolicy {
	if p.When == "" {
		p.When = RestartAlways
	}
	if p.MemoryInterval <= 0 {
		p.MemoryInterval = time.Second
	}
	if p.MemorySamples <= 0 {
		p.MemorySamples = 3
	}
	if p.Backoff <= 0 {
		p.Backoff = 100 * time.Millisecond
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 10 * time.Second
	}
	if p.Jitter == 0 {
		p.Jitter = 0.2
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.StableAfter <= 0 {
		p.StableAfter = 30 * time.Second
	}
	if p.CrashLoopWindow <= 0 {
		p.CrashLoopWindow = time.Minute
	}
	if p.CrashLoopLimit <= 0 {
		p.CrashLoopLimit = 5
	}
	if p.DegradedCooldown == 0 {
		p.DegradedCooldown = 30 * time.Second
	}
	return p
}

// crashRecord is one slot's recent crashes, as the policy sees them.
type crashRecord struct {
	crashes []time.Time // within the window, oldest first
	streak  int         // consecutive crashes since the last stable run
}

// decision is what the policy says after a crash.
type decision struct {
	delay    time.Duration
	degraded bool
}

// onCrash records a crash of a worker that started at started and decides what to do.
// rnd returns a float in [0,1) so tests can pin the jitter.
func (p RestartPolicy) onCrash(r *crashRecord, started, now time.Time, rnd func() float64) decision {
	if !started.IsZero() && now.Sub(started) >= p.StableAfter {
		r.streak = 0
		r.crashes = r.crashes[:0]
	}
	r.streak++
	cutoff := now.Add(-p.CrashLoopWindow)
	kept := r.crashes[:0]
	for _, t := range r.crashes {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	r.crashes = append(kept, now)
	if len(r.crashes) > p.CrashLoopLimit {
		return decision{degraded: true}
	}
	return decision{delay: p.delay(r.streak, rnd)}
}

// delay is the wait before restart number streak: 0 for the first, then Backoff,
// 2×Backoff, … capped at MaxBackoff, each spread by ±Jitter.
func (p RestartPolicy) delay(streak int, rnd func() float64) time.Duration {
	if streak <= 1 {
		return 0
	}
	d := p.Backoff
	for i := 2; i < streak && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	if p.Jitter > 0 {
		if rnd == nil {
			rnd = rand.Float64
		}
		d = time.Duration(float64(d) * (1 + p.Jitter*(2*rnd()-1)))
	}
	return d
}

// shrinkAfter removes slot s, whose worker exited and which the policy's When does
// not restart, and lowers the pool size to match; it says so for the exit event.
func (c *Cluster) shrinkAfter(s *slot) string {
	delete(c.slots, s.n)
	s.pending.stop()
	s.stable.stop()
	if h := c.hosts[s.host]; h != nil {
		h.size = max(h.size-1, 0)
		return fmt.Sprintf("not restarted (restart policy %q): host %s shrinks to %d", c.opts.Restart.When, h.name, h.size)
	}
	c.size = max(c.size-1, 0)
	return fmt.Sprintf("not restarted (restart policy %q): the pool shrinks to %d", c.opts.Restart.When, c.size)
}
