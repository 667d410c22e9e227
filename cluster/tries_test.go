package cluster_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestKilledAttemptIsKeptInTries SIGKILLs the worker running a job: the job is run
// again and ends done, and its tries say so: a killed attempt on the first worker,
// then a done one on its replacement.
func TestKilledAttemptIsKeptInTries(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	b, err := c.Submit("sleep", []int64{1500}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var first cluster.JobInfo
	waitFor(t, "the job running", func() bool {
		got, _ := c.Batch(b.ID)
		first = got.Jobs[0]
		return first.State == cluster.JobRunning
	})
	if n := len(first.AllTries()); n != 1 || first.AllTries()[0].Outcome != cluster.TryRunning || first.AllTries()[0].FinishedAt != nil {
		t.Fatalf("tries while running: %+v", first.AllTries())
	}
	w, err := c.Worker(first.Worker)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	got, _ := c.WaitBatch(ctxT(t), b.ID)
	j := got.Jobs[0]
	if j.State != cluster.JobDone || j.Attempts != 2 || len(j.AllTries()) != 2 {
		t.Fatalf("job after kill: %+v", j)
	}
	k, d := j.AllTries()[0], j.AllTries()[1]
	if k.Outcome != cluster.TryKilled || k.Worker != first.Worker || k.PID != first.PID || k.FinishedAt == nil || k.Signal != "SIGKILL" {
		t.Fatalf("first try: %+v", k)
	}
	if d.Outcome != cluster.TryDone || d.Worker == first.Worker || d.Worker != j.Worker || d.DurationMS != j.DurationMS {
		t.Fatalf("second try: %+v (job %+v)", d, j)
	}
	if !d.StartedAt.After(k.StartedAt) || d.FinishedAt == nil || !d.FinishedAt.Equal(*j.FinishedAt) {
		t.Fatalf("try times: %+v then %+v", k, d)
	}
}

// TestTimedOutAndCanceledTries checks the outcomes the pool gives when it stops a
// job itself, and that a job canceled while queued has no try.
func TestTimedOutAndCanceledTries(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Jobs: cluster.JobOptions{Prefetch: 1}})
	got := submitWait(t, c, "sleep", []int64{60000}, cluster.BatchOptions{Timeout: 200 * time.Millisecond})
	if tr := got.Jobs[0].AllTries(); len(tr) != 1 || tr[0].Outcome != cluster.TryTimedOut {
		t.Fatalf("timed-out job's tries: %+v", tr)
	}
	b, err := c.Submit("sleep", []int64{60000, 60000}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "one running", func() bool { return c.Pool().Queue.Running == 1 })
	if _, err := c.Cancel(b.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = c.WaitBatch(ctxT(t), b.ID)
	if tr := got.Jobs[0].AllTries(); len(tr) != 1 || tr[0].Outcome != cluster.TryCanceled {
		t.Fatalf("canceled running job's tries: %+v", tr)
	}
	if tr := got.Jobs[1].AllTries(); len(tr) != 0 {
		t.Fatalf("canceled queued job's tries: %#v", tr)
	}
}

// TestCrashTriesAreWorkerLost: a job whose worker exits by itself every time
// fails after MaxAttempts, each try worker_lost.
func TestCrashTriesAreWorkerLost(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Jobs: cluster.JobOptions{MaxAttempts: 2}})
	got := submitWait(t, c, "crash", []int64{3}, cluster.BatchOptions{})
	tr := got.Jobs[0].AllTries()
	if len(tr) != 2 || tr[0].Outcome != cluster.TryWorkerLost || tr[1].Outcome != cluster.TryWorkerLost {
		t.Fatalf("crash tries: %+v", tr)
	}
}

// TestJobInfoJSONListsThePlainTry: a job whose Tries is nil (its one attempt is
// its own fields) still has that try in its JSON, and values keep their HTML
// characters as they are.
func TestJobInfoJSONListsThePlainTry(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	end := start.Add(time.Second)
	j := cluster.JobInfo{ID: 1, Input: []byte(`"<a&b>"`), State: cluster.JobDone, Result: []byte(`1`), Worker: 2,
		PID: 3, Attempts: 1, StartedAt: &start, FinishedAt: &end, DurationMS: 1000}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var back cluster.JobInfo
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	tr := back.Tries
	if len(tr) != 1 || tr[0].Outcome != cluster.TryDone || tr[0].Worker != 2 || tr[0].DurationMS != 1000 ||
		!tr[0].FinishedAt.Equal(end) {
		t.Fatalf("tries in JSON: %s", b)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(j)
	if !strings.Contains(buf.String(), `"input":"<a&b>"`) {
		t.Fatalf("HTML escaped: %s", buf.String())
	}
	if q := (cluster.JobInfo{State: cluster.JobQueued}).AllTries(); q == nil || len(q) != 0 {
		t.Fatalf("a queued job's tries: %#v", q)
	}
}
