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
