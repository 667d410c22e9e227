package cluster_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestCrashLoopBacksOffThenDegrades runs a worker that exits with code 3 at once. With
// a fake clock the test decides when backoff delays pass: the first restart is
// immediate, the next ones wait for the clock, and the sixth crash within the window
// marks the slot degraded instead of spinning.
func TestCrashLoopBacksOffThenDegrades(t *testing.T) {
	clock := newFakeClock()
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("exit3"), Clock: clock,
		Restart: cluster.RestartPolicy{Backoff: time.Second, MaxBackoff: 8 * time.Second, Jitter: -1,
			CrashLoopWindow: time.Minute, CrashLoopLimit: 5}})
	ev := watch(t, c)
	forks := func() int {
		n := 0
		for _, e := range ev.got {
			if e.Type == cluster.EventFork {
				n++
			}
		}
		return n
	}
	ev.next("first exit", ofType(cluster.EventExit, 0))
	ev.next("immediate restart", ofType(cluster.EventFork, 0))
	for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		ev.next("exit", ofType(cluster.EventExit, 0))
		c.Pool() // the exit is handled (backoff timer set) once the pool answers
		drain(ev)
		before := forks()
		clock.Advance(wait - time.Millisecond)
		cluster.RunDueTimers(c)
		drain(ev) // a fork would have been published by now
		if forks() != before || len(c.Workers()) != 0 {
			t.Fatalf("restarted before the %s backoff passed", wait)
		}
		clock.Advance(time.Millisecond)
		ev.next("restart after backoff", ofType(cluster.EventFork, 0))
	}
	exit := ev.next("sixth exit", ofType(cluster.EventExit, 0))
	if exit.Code == nil || *exit.Code != 3 {
		t.Fatalf("exit: %+v", exit)
	}
	deg := ev.next("degraded", ofType(cluster.EventDegraded, 0))
	if !strings.Contains(deg.Error, "crashed 6 times") {
		t.Fatalf("degraded message: %q", deg.Error)
	}
	if p := c.Pool(); !p.Degraded || len(p.Workers) != 0 || p.DegradedReason != deg.Error {
		t.Fatalf("pool: degraded=%v (%q) workers=%d", p.Degraded, p.DegradedReason, len(p.Workers))
	}
	if err := c.WaitReady(ctxT(t)); err == nil {
		t.Fatal("WaitReady on a degraded pool should fail")
	}
	// Scaling gives the slot a fresh start.
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	ev.next("revived", ofType(cluster.EventFork, 0))
	if c.Pool().Degraded {
		t.Fatal("still degraded after Scale")
	}
}

func TestMalformedFramesKillAndReplace(t *testing.T) {
	for _, helper := range []string{"badframe", "hugeframe", "badversion", "badkinds"} {
		t.Run(helper, func(t *testing.T) {
			c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv(helper), MaxFrame: 1 << 20,
				Restart: cluster.RestartPolicy{Backoff: time.Hour}})
			ev := watch(t, c)
			e := ev.next("error event", ofType(cluster.EventError, 0))
			if e.Error == "" {
				t.Fatal("error event without a reason")
			}
			exit := ev.next("exit", ofType(cluster.EventExit, e.Worker))
			if exit.Signal != "SIGKILL" || !*exit.Restarting {
				t.Fatalf("exit after a bad frame: %+v", exit)
			}
			ev.next("replacement", ofType(cluster.EventFork, 0))
			t.Logf("%s: %s", helper, e.Error)
		})
	}
}
