package main

import (
	"flag"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// The restart policy flags (issue 14 item 5): which exits are restarted, how fast,
// how many restarts make a crash loop, and the memory limit. Their defaults are
// cluster.RestartPolicy's, so a serve without them behaves as before.
type restartConfig struct {
	When       string
	Backoff    time.Duration
	MaxBackoff time.Duration
	Max        int
	Window     time.Duration
	MaxMemory  byteSize
}

// Bounds of the restart flags.
const (
	maxRestartDuration = 24 * time.Hour
	maxMaxRestarts     = 10_000
	minMaxMemory       = 1 << 20
	maxMaxMemory       = 1 << 40
)

// stableAfter is how long a worker must run to clear its slot's backoff and crash
// count: cluster.RestartPolicy.StableAfter's default, which serve keeps.
const stableAfter = 30 * time.Second

func restartFlags(fs *flag.FlagSet, cfg *restartConfig) {
	fs.StringVar(&cfg.When, "restart", string(cluster.RestartAlways), "which worker exits are restarted: always, on-failure (a non-zero exit code or a signal) or never; a worker not restarted leaves the pool, which shrinks by one")
	fs.DurationVar(&cfg.Backoff, "restart-backoff", 100*time.Millisecond, "wait before the second restart in a row of a slot (the first is immediate), doubled for each further one up to -restart-max-backoff, ±20% jitter; a worker up 30s resets it; 1ms..24h")
	fs.DurationVar(&cfg.MaxBackoff, "restart-max-backoff", 10*time.Second, "longest wait between restarts of a slot, -restart-backoff..24h")
	fs.IntVar(&cfg.Max, "max-restarts", 5, "restarts of a slot within -restart-window before it is degraded (rests for -degraded-cooldown), 1..10000")
	fs.DurationVar(&cfg.Window, "restart-window", time.Minute, "the window -max-restarts counts in, 1s..24h")
	fs.Var(&cfg.MaxMemory, "max-memory", "replace a worker whose RSS stays over this (3 samples 1s apart) gracefully, as a rolling restart does, e.g. 200MiB; 1MiB..1024GiB; 0: no limit")
}

// checkRestart validates the restart flags.
func (c *serveConfig) checkRestart(src sources) error {
	r := &c.Restart
	if _, err := cluster.ParseRestartWhen(r.When); err != nil || r.When == "" {
		return usageErrorf("%s %q: want always, on-failure or never", src.name("restart"), r.When)
	}
	for _, d := range []struct {
		flag      string
		v, lo, hi time.Duration
	}{
		{"restart-backoff", r.Backoff, time.Millisecond, maxRestartDuration},
		{"restart-max-backoff", r.MaxBackoff, r.Backoff, maxRestartDuration},
		{"restart-window", r.Window, time.Second, maxRestartDuration},
	} {
		if d.v < d.lo || d.v > d.hi {
			return usageErrorf("%s %s is out of range: must be between %s and %s", src.name(d.flag), d.v, d.lo, d.hi)
		}
	}
	if r.Max < 1 || r.Max > maxMaxRestarts {
		return usageErrorf("%s %d is out of range: must be between 1 and %d", src.name("max-restarts"), r.Max, maxMaxRestarts)
	}
	if r.MaxMemory != 0 && (r.MaxMemory < minMaxMemory || r.MaxMemory > maxMaxMemory) {
		return usageErrorf("%s %s is out of range: must be between 1MiB and 1024GiB, or 0 for no limit",
			src.name("max-memory"), &r.MaxMemory)
	}
	return nil
}

// apply sets the pool's restart policy from the flags (already validated); the
// degraded cool-down is set apart, by -degraded-cooldown.
func (r *restartConfig) apply(p *cluster.RestartPolicy) {
	p.When = cluster.RestartWhen(r.When)
	p.Backoff = r.Backoff
	p.MaxBackoff = r.MaxBackoff
	p.CrashLoopLimit = r.Max
	p.CrashLoopWindow = r.Window
	p.StableAfter = stableAfter
	p.MaxMemory = int64(r.MaxMemory)
}
