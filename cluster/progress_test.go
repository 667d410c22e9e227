package cluster_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestLargeListGetsCoalescedProgressOnly runs a list longer than PerJobEvents on one
// worker with a fake clock. Two ten-minute sleeps in it hold the list still while the
// test moves the clock, and end when the test kills their worker (MaxAttempts 1: the
// job fails), so every count below is exact. The list must get no job.* events, one
// batch.progress per ProgressInterval at most, then the final progress and batch.done.
func TestLargeListGetsCoalescedProgressOnly(t *testing.T) {
	const interval = time.Second
	clock := newFakeClock()
	c := startPool(t, cluster.Options{Workers: 1, Clock: clock,
		Jobs: cluster.JobOptions{PerJobEvents: 5, ProgressInterval: interval, MaxAttempts: 1}})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	inputs := make([]int64, 50)
	inputs[10], inputs[11] = 600000, 600000
	b, err := c.Submit("sleep", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// On failure, stop the sleeps: Close would wait for them, its StopTimeout being
	// measured on the fake clock.
	t.Cleanup(func() { c.Cancel(b.ID) })
	progress := func(e cluster.Event) bool { return e.Type == cluster.EventBatchProgress && e.Batch == b.ID }
	holdsAt := func(failed int) func() bool {
		return func() bool {
			got, err := c.Batch(b.ID)
			return err == nil && got.Summary.Done == 10 && got.Summary.Failed == failed && got.Summary.Running == 1
		}
	}
	killRunning := func() {
		t.Helper()
		w, err := c.Worker(c.Workers()[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		w.Kill(syscall.SIGKILL)
	}

	waitFor(t, "the first long sleep running", holdsAt(0))
	clock.Advance(0) // the first change is reported as soon as the pool looks
	p1 := ev.next("first progress", progress)
	if s := p1.Summary; s.Done != 10 || s.Running != 1 || s.Queued != 39 {
		t.Fatalf("first progress: %+v", s)
	}

	killRunning()
	waitFor(t, "the second long sleep running", holdsAt(1))
	clock.Advance(interval - time.Millisecond)
	cluster.RunDueTimers(c)
	drain(ev)
	for _, e := range ev.got {
		if progress(e) && e.Seq > p1.Seq {
			t.Fatalf("progress %s after the last one, before ProgressInterval passed: %+v", e.Time.Sub(p1.Time), e.Summary)
		}
	}
	clock.Advance(time.Millisecond)
	p2 := ev.next("second progress", progress)
	if s := p2.Summary; s.Done != 10 || s.Failed != 1 || s.Running != 1 || p2.Time.Sub(p1.Time) < interval {
		t.Fatalf("second progress %s after the first: %+v", p2.Time.Sub(p1.Time), s)
	}

	killRunning()
	done := ev.next("batch.done", func(e cluster.Event) bool { return e.Type == cluster.EventBatchDone && e.Batch == b.ID })
	want := cluster.BatchSummary{Total: 50, Done: 48, Failed: 2}
	if s := *done.Summary; done.State != string(cluster.BatchDone) || s.Total != want.Total || s.Done != want.Done ||
		s.Failed != want.Failed || s.Queued != 0 || s.Running != 0 || s.Canceled != 0 {
		t.Fatalf("batch.done: %s %+v, want %+v", done.State, s, want)
	}
	var progresses []cluster.Event
	for _, e := range ev.got {
		switch {
		case e.Batch != b.ID:
		case e.Type == cluster.EventJobStarted || e.Type == cluster.EventJobDone || e.Type == cluster.EventJobFailed:
			t.Errorf("per-job event for a list over PerJobEvents: %s job %d", e.Type, e.Job)
		case progress(e):
			progresses = append(progresses, e)
		}
	}
	// The third is the list's end, published with batch.done whatever the interval.
	if len(progresses) != 3 || progresses[2].Seq != done.Seq-1 || *progresses[2].Summary != *done.Summary {
		t.Fatalf("%d progress events, want 2 while running and 1 just before batch.done: %+v", len(progresses), progresses)
	}

	// A list of exactly PerJobEvents jobs does get them: the check above could see them.
	small := submitWait(t, c, "sleep", make([]int64, 5), cluster.BatchOptions{})
	ev.next("the small list done", func(e cluster.Event) bool { return e.Type == cluster.EventBatchDone && e.Batch == small.ID })
	perJob := 0
	for _, e := range ev.got {
		if e.Batch == small.ID && (e.Type == cluster.EventJobStarted || e.Type == cluster.EventJobDone) {
			perJob++
		}
	}
	if perJob != 10 {
		t.Fatalf("a list of PerJobEvents jobs got %d job.started/job.done events, want 10", perJob)
	}
}
