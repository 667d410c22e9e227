package cluster

import (
	"testing"
	"time"
)

func TestRestartPolicyBackoffAndCrashLoop(t *testing.T) {
	p := RestartPolicy{Backoff: 100 * time.Millisecond, MaxBackoff: time.Second, Jitter: -1,
		CrashLoopWindow: time.Minute, CrashLoopLimit: 5, StableAfter: 30 * time.Second}.withDefaults()
	var r crashRecord
	now := time.Unix(1000, 0)
	want := []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	for i, w := range want {
		d := p.onCrash(&r, now.Add(-time.Second), now, nil)
		if d.degraded || d.delay != w {
			t.Fatalf("crash %d: %+v, want delay %s", i+1, d, w)
		}
		now = now.Add(time.Second)
	}
	if d := p.onCrash(&r, now.Add(-time.Second), now, nil); !d.degraded {
		t.Fatalf("6th crash within a minute: %+v, want degraded", d)
	}
}

func TestRestartPolicyCapsAndResets(t *testing.T) {
	p := RestartPolicy{Backoff: 100 * time.Millisecond, MaxBackoff: 300 * time.Millisecond, Jitter: -1,
		CrashLoopLimit: 100}.withDefaults()
	var r crashRecord
	now := time.Unix(1000, 0)
	var last decision
	for i := 0; i < 6; i++ {
		last = p.onCrash(&r, now, now, nil)
	}
	if last.delay != 300*time.Millisecond {
		t.Fatalf("capped delay %s, want 300ms", last.delay)
	}
	// A worker that stayed up StableAfter starts a fresh record: immediate restart.
	later := now.Add(time.Hour)
	if d := p.onCrash(&r, later.Add(-31*time.Second), later, nil); d.delay != 0 || r.streak != 1 {
		t.Fatalf("after a stable run: %+v streak %d, want immediate", d, r.streak)
	}
}

func TestRestartPolicyJitterSpread(t *testing.T) {
	p := RestartPolicy{Backoff: time.Second, MaxBackoff: time.Minute, Jitter: 0.2}.withDefaults()
	lo := p.delay(2, func() float64 { return 0 })
	hi := p.delay(2, func() float64 { return 0.999999 })
	if lo != 800*time.Millisecond || hi < 1199*time.Millisecond || hi > 1200*time.Millisecond {
		t.Fatalf("jitter bounds %s..%s, want 800ms..1.2s", lo, hi)
	}
}
