package cluster_test

import (
	"context"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestChaosEveryJobEndsOnce SIGKILLs a random worker every 250 ms while 300 short jobs
// run on 3 workers: every job must end exactly once, done or failed with a reason.
func TestChaosEveryJobEndsOnce(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 3, Jobs: cluster.JobOptions{MaxAttempts: 5}})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	inputs := make([]int64, 300)
	for i := range inputs {
		inputs[i] = 40
	}
	b, err := c.Submit("sleep", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kills := make(chan int)
	go func() { kills <- killRandomly(c, b.ID, 250*time.Millisecond) }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a loaded machine restarts slowly
	defer cancel()
	got, err := c.WaitBatch(ctx, b.ID)
	killed := <-kills
	if err != nil || got.State != cluster.BatchDone {
		t.Fatalf("list: %v %s", err, got.State)
	}
	drain(ev)
	ends := map[int64]int{}
	for _, e := range ev.got {
		if e.Type == cluster.EventJobDone || e.Type == cluster.EventJobFailed {
			ends[e.Job]++
		}
	}
	retried := 0
	for _, j := range got.Jobs {
		switch {
		case j.State == cluster.JobFailed && j.Error == "":
			t.Errorf("job %d failed without a reason", j.ID)
		case j.State != cluster.JobDone && j.State != cluster.JobFailed:
			t.Errorf("job %d ended %s", j.ID, j.State)
		case ends[j.ID] != 1:
			t.Errorf("job %d reported %d times", j.ID, ends[j.ID])
		}
		if j.Attempts > 1 {
			retried++
		}
	}
	t.Logf("%d kills, %d jobs retried, %d failed, wall %.0f ms", killed, retried, got.Summary.Failed, got.Summary.WallMS)
	if killed > 0 && retried == 0 {
		t.Error("workers were killed mid-list but no job records a second attempt")
	}
}

// killRandomly SIGKILLs a random busy worker every period until the list ends, and
// says how many it killed.
func killRandomly(c *cluster.Cluster, batch string, period time.Duration) int {
	tick := time.NewTicker(period)
	defer tick.Stop()
	kills := 0
	for range tick.C {
		if info, _ := c.Batch(batch); info.State != cluster.BatchRunning {
			return kills
		}
		// Only busy workers, and only while none is starting: on a loaded machine a
		// worker can take longer than the period to start, and killing starting ones
		// kept the pool from running anything (the list then outlived the deadline).
		var busy []cluster.WorkerInfo
		starting := false
		for _, w := range c.Workers() {
			starting = starting || w.State == cluster.StateStarting
			if w.State == cluster.StateBusy {
				busy = append(busy, w)
			}
		}
		if starting || len(busy) == 0 {
			continue
		}
		if w, err := c.Worker(busy[rand.IntN(len(busy))].ID); err == nil && w.Kill(syscall.SIGKILL) == nil {
			kills++
		}
	}
	return kills
}
