package cluster_test

import (
	"context"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// liveMax replays the event stream so far and returns the most worker processes that
// were alive at once: one more at each fork, one less at each exit.
func liveMax(e *events) int {
	drain(e)
	live, most := 0, 0
	for _, ev := range e.got {
		switch ev.Type {
		case cluster.EventFork:
			live++
		case cluster.EventExit:
			live--
		}
		most = max(most, live)
	}
	return most
}

// TestScaleCyclesRespectMaxWorkers is the fork bomb of issue 11: workers retiring
// while busy stay alive until their job ends, and scaling back up used to fork new
// ones beside them, so cycles of scale 0 / scale N piled up processes past
// MaxWorkers. Now the slots wait for the retiring workers to exit.
func TestScaleCyclesRespectMaxWorkers(t *testing.T) {
	const maxW = 3
	c := startPool(t, cluster.Options{Workers: maxW, MaxWorkers: maxW, StopTimeout: time.Hour})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	inputs := make([]int64, 10)
	for i := range inputs {
		inputs[i] = 600_000
	}
	b, err := c.Submit("sleep", inputs, cluster.BatchOptions{Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every worker busy", func() bool { return c.Pool().Queue.Running == maxW })
	for i := 0; i < 5; i++ {
		if err := c.Scale(0); err != nil {
			t.Fatal(err)
		}
		if err := c.Scale(maxW); err != nil {
			t.Fatal(err)
		}
		if p := c.Pool(); len(p.Workers) > maxW || p.Size != maxW {
			t.Fatalf("cycle %d: %d live workers for size %d, max %d", i, len(p.Workers), p.Size, maxW)
		}
	}
	if p := c.Pool(); p.Waiting != maxW {
		t.Fatalf("slots waiting for the busy retiring workers: %d, want %d", p.Waiting, maxW)
	}
	// Once the retiring workers are gone (their jobs canceled), the waiting slots fork.
	if _, err := c.Cancel(b.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the size in fresh workers", func() bool {
		p := c.Pool()
		return len(p.Workers) == maxW && p.Waiting == 0
	})
	if most := liveMax(ev); most > maxW {
		t.Fatalf("%d worker processes alive at once, MaxWorkers %d", most, maxW)
	}
}

// TestRestartAtMaxWorkers: a rolling restart of a pool at its cap has no room for a
// replacement beside its predecessor, so each slot retires first and forks after.
func TestRestartAtMaxWorkers(t *testing.T) {
	const maxW = 2
	c := startPool(t, cluster.Options{Workers: maxW, MaxWorkers: maxW, Env: helperEnv("echo")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	before := c.Workers()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	after := c.Workers()
	if len(after) != maxW || after[0].ID <= before[len(before)-1].ID {
		t.Fatalf("after restart: %+v, before %+v", after, before)
	}
	if most := liveMax(ev); most > maxW {
		t.Fatalf("%d worker processes alive at once, MaxWorkers %d", most, maxW)
	}
	if last := ev.got[len(ev.got)-1]; last.Type != cluster.EventRestart || last.State != cluster.RestartDone {
		t.Fatalf("last event: %+v, want pool.restart done", last)
	}
}
