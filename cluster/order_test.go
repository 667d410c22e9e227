package cluster_test

import (
	"slices"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestScaleDownRetiresIdleFirst holds the job on the higher slot, the one a tie would
// retire, so only retiring by idle-before-busy keeps the busy worker.
func TestScaleDownRetiresIdleFirst(t *testing.T) {
	c, release := latchPool(t, cluster.Options{Workers: 2})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ev := watch(t, c)
	// Fewest jobs, then lowest id: latch 0 goes to the slot 1 worker, latch 1 to slot 2.
	b, err := c.Submit("latch", []int64{0, 1}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	release(0)
	var idle, busy cluster.WorkerInfo
	waitFor(t, "slot 1 idle, slot 2 busy", func() bool {
		ws := c.Workers()
		if len(ws) != 2 {
			return false
		}
		idle, busy = ws[0], ws[1]
		return idle.Slot == 1 && idle.State == cluster.StateIdle && busy.Slot == 2 && busy.CurrentJob != nil
	})
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	exit := ev.next("a worker retired", ofType(cluster.EventExit, 0))
	if exit.Worker != idle.ID || !*exit.Intentional {
		t.Fatalf("retired worker %d (intentional %v), want the idle worker %d, not the busy %d",
			exit.Worker, *exit.Intentional, idle.ID, busy.ID)
	}
	release(1)
	got, _ := c.WaitBatch(ctxT(t), b.ID)
	if j := got.Jobs[1]; got.State != cluster.BatchDone || j.State != cluster.JobDone || j.Worker != busy.ID || j.Attempts != 1 {
		t.Fatalf("the busy worker's job: %s %+v", got.State, j)
	}
	if ws := c.Workers(); len(ws) != 1 || ws[0].ID != busy.ID {
		t.Fatalf("workers after Scale(1): %+v", ws)
	}
}

// TestListsRunFIFOWithTimestamps queues two lists behind a held worker: every job of
// the first starts before any of the second, and each done job's times are in order.
func TestListsRunFIFOWithTimestamps(t *testing.T) {
	c, release := latchPool(t, cluster.Options{Workers: 1})
	ev := watch(t, c)
	hold, err := c.Submit("latch", []int64{0}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Submit("sleep", []int64{1, 1, 1}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Submit("sleep", []int64{1}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	release(0)
	var lists []cluster.BatchInfo
	for _, id := range []string{hold.ID, a.ID, b.ID} {
		got, _ := c.WaitBatch(ctxT(t), id)
		if got.State != cluster.BatchDone || got.Summary.Done != len(got.Jobs) {
			t.Fatalf("list %s: %s %+v", id, got.State, got.Summary)
		}
		lists = append(lists, got)
	}
	drain(ev)
	var started []string
	for _, e := range ev.got {
		if e.Type == cluster.EventJobStarted {
			started = append(started, e.Batch)
		}
	}
	if want := []string{hold.ID, a.ID, a.ID, a.ID, b.ID}; !slices.Equal(started, want) {
		t.Fatalf("jobs started in list order %v, want %v", started, want)
	}
	for _, l := range lists {
		for _, j := range l.Jobs {
			if j.StartedAt == nil || j.FinishedAt == nil || j.StartedAt.Before(j.QueuedAt) ||
				j.FinishedAt.Before(*j.StartedAt) || j.DurationMS <= 0 {
				t.Errorf("list %s job %d: queued %v started %v finished %v duration %vms",
					l.ID, j.ID, j.QueuedAt, j.StartedAt, j.FinishedAt, j.DurationMS)
			}
		}
	}
	if first, second := lists[1].Jobs[2], lists[2].Jobs[0]; second.StartedAt.Before(*first.FinishedAt) {
		t.Fatalf("list B started at %v, before list A's last job finished at %v", second.StartedAt, first.FinishedAt)
	}
}
