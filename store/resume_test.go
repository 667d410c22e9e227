package store_test

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/store"
)

// TestPrimaryLostTriesAreFreeAndEndAtLastAlive: a job that was running when its
// primary stopped resumes with a primary_lost try that ends when the old run was
// last known alive (not at the restart), and that try does not count towards
// MaxAttempts: with 2, the job (a crash, whose worker always dies) is tried twice
// more before it fails.
func TestPrimaryLostTriesAreFreeAndEndAtLastAlive(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	if _, err := s.Begin(cluster.RunInfo{ID: "old", Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Record(cluster.Change{Type: cluster.ChangeList, List: "old-1", Kind: "crash", Created: time.Now(), FirstJob: 1,
		Inputs: []json.RawMessage{json.RawMessage(`3`)}})
	s.Record(cluster.Change{Type: cluster.ChangeStart, List: "old-1", Job: 1, State: cluster.JobRunning, Attempts: 1,
		Try: cluster.Try{Worker: 1, PID: 1, StartedAt: time.Now(), Outcome: cluster.TryRunning}})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	closed := time.Now()
	s = open(t, dir, store.Options{})
	defer s.Close()
	c, err := cluster.Start(cluster.Options{Workers: 1, Output: io.Discard, Logger: quiet(), Store: s,
		Jobs: cluster.JobOptions{MaxAttempts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got, err := c.WaitBatchJobs(ctx, "old-1", 0, 1)
	if err != nil || got.State == cluster.BatchRunning || len(got.Jobs) != 1 {
		t.Fatalf("the resumed list: %+v %v", got, err)
	}
	j := got.Jobs[0]
	tries := j.AllTries()
	if j.State != cluster.JobFailed || len(tries) != 3 || tries[0].Outcome != cluster.TryPrimaryLost ||
		!strings.Contains(j.Error, "attempt 2 of 2") {
		t.Fatalf("the job: %s %q, tries %+v", j.State, j.Error, tries)
	}
	if f := tries[0].FinishedAt; f == nil || f.After(closed) || f.Before(tries[0].StartedAt) {
		t.Fatalf("the primary_lost try ends at %v; the old run stopped before %v", f, closed)
	}
}

// TestPrimaryLostTriesPastThreeCount: a job whose attempt is lost with the primary
// again and again (as when running it kills the primary) is run again after each
// of its first three such losses, free, but the fourth counts: with MaxAttempts 1
// the next start fails it (its four tries primary_lost) instead of running it, and
// the store keeps that end.
func TestPrimaryLostTriesPastThreeCount(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := func() (*store.Store, *cluster.Cluster) {
		s := open(t, dir, store.Options{})
		c, err := cluster.Start(cluster.Options{Workers: 1, Output: io.Discard, Logger: quiet(), Store: s,
			StopTimeout: 500 * time.Millisecond, Jobs: cluster.JobOptions{MaxAttempts: 1}})
		if err != nil {
			s.Close()
			t.Fatal(err)
		}
		return s, c
	}
	var id string
	for run := 1; run <= 4; run++ {
		s, c := start()
		if run == 1 {
			b, err := c.Submit("sleep", []int64{60000}, cluster.BatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id = b.ID
		}
		for { // running its attempt number run: the losses before were free
			got, err := c.Batch(id)
			if err != nil {
				t.Fatal(err)
			}
			if j := got.Jobs[0]; j.State == cluster.JobRunning && j.Attempts == run {
				break
			} else if ctx.Err() != nil || j.State != cluster.JobQueued && j.State != cluster.JobRunning {
				t.Fatalf("run %d: the list %s, the job %s, attempt %d, tries %+v, pool %+v (%v)", run, got.State, j.State,
					j.Attempts, j.AllTries(), c.Batches(), ctx.Err())
			}
			time.Sleep(20 * time.Millisecond)
		}
		c.Close(ctx) // the store keeps the job running: the next start loses its try with the primary
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	s, c := start()
	got, err := c.WaitBatch(ctx, id)
	c.Close(ctx)
	s.Close()
	check := func(from string, got cluster.BatchInfo, err error) {
		t.Helper()
		if err != nil || got.State == cluster.BatchRunning || len(got.Jobs) != 1 {
			t.Fatalf("%s: %+v %v", from, got, err)
		}
		j := got.Jobs[0]
		tries := j.AllTries()
		if j.State != cluster.JobFailed || j.Attempts != 4 || len(tries) != 4 ||
			!strings.Contains(j.Error, "primary was lost") || !strings.Contains(j.Error, "attempt 1 of 1") {
			t.Fatalf("%s: the job %s %q, attempt %d, tries %+v", from, j.State, j.Error, j.Attempts, tries)
		}
		for _, tr := range tries {
			if tr.Outcome != cluster.TryPrimaryLost || tr.FinishedAt == nil {
				t.Fatalf("%s: tries %+v", from, tries)
			}
		}
	}
	check("the pool", got, err)
	s = open(t, dir, store.Options{})
	defer s.Close()
	got, err = s.Batch(id, 0, 10)
	check("the store", got, err)
}
