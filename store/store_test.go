package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
	"github.com/gocluster/gocluster/internal/proctest"
	"github.com/gocluster/gocluster/store"
)

// TestMain lets the test binary be the workers of the benchmarks' pools.
func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		if err := cluster.RunWorker(context.Background(), jobs.Builtin()); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	proctest.Main(m, nil) // goleak (given time to settle), then no worker left
}

func open(t *testing.T, dir string, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func flush(t *testing.T, s *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// list records a list of n jobs of run, ids from first.
func list(s *store.Store, id string, first int64, n int) {
	in := make([]json.RawMessage, n)
	for i := range in {
		in[i] = json.RawMessage(`{"n":` + string(rune('0'+i%10)) + `}`)
	}
	s.Record(cluster.Change{Type: cluster.ChangeList, List: id, Kind: "k", Created: t0, Timeout: time.Minute,
		Workers: 2, FirstJob: first, Inputs: in})
}

func try(w int, at time.Duration, out cluster.TryOutcome) cluster.Try {
	f := t0.Add(at + 10*time.Millisecond)
	return cluster.Try{Worker: w, PID: 100 + w, StartedAt: t0.Add(at), FinishedAt: &f, DurationMS: 10, Outcome: out}
}

// TestRecordsReadBackAndResume writes a list through every change type, closes,
// reopens: the ended job reads back with its tries, and Begin hands the list back
// for resuming with the running job's try still running.
func TestRecordsReadBackAndResume(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	if res, err := s.Begin(cluster.RunInfo{ID: "run1", Started: t0}); err != nil || res.NextJob != 1 || len(res.Lists) != 0 {
		t.Fatalf("first Begin: %+v %v", res, err)
	}
	list(s, "run1-1", 1, 3)
	s.Record(cluster.Change{Type: cluster.ChangeStart, List: "run1-1", Job: 1, Attempts: 1, Try: cluster.Try{Worker: 1, PID: 101, StartedAt: t0, Outcome: cluster.TryRunning}})
	s.Record(cluster.Change{Type: cluster.ChangeLost, List: "run1-1", Job: 1, Attempts: 1, Error: "worker 1 was killed by SIGKILL", Try: try(1, 0, cluster.TryKilled)})
	s.Record(cluster.Change{Type: cluster.ChangeEnd, List: "run1-1", Job: 1, State: cluster.JobDone, Result: json.RawMessage(`42`), Attempts: 2, Try: try(2, time.Second, cluster.TryDone)})
	s.Record(cluster.Change{Type: cluster.ChangeStart, List: "run1-1", Job: 2, Attempts: 1, Try: cluster.Try{Worker: 2, PID: 102, StartedAt: t0.Add(2 * time.Second), Outcome: cluster.TryRunning}})
	flush(t, s)
	got, err := s.Batch("run1-1", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	j := got.Jobs[0]
	if got.State != cluster.BatchRunning || len(got.Jobs) != 3 || j.State != cluster.JobDone || string(j.Result) != "42" ||
		len(j.AllTries()) != 2 || j.AllTries()[0].Outcome != cluster.TryKilled || j.AllTries()[1].Outcome != cluster.TryDone {
		t.Fatalf("read back: %+v", got)
	}
	if got.Summary.Done != 1 || got.Summary.Running != 1 || got.Summary.Queued != 1 {
		t.Fatalf("summary of a running list: %+v", got.Summary)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, store.Options{})
	defer s.Close()
	res, err := s.Begin(cluster.RunInfo{ID: "run2", Started: t0.Add(time.Hour)})
	if err != nil || res.NextJob != 4 || len(res.Lists) != 1 {
		t.Fatalf("second Begin: next %d, %d lists, %v", res.NextJob, len(res.Lists), err)
	}
	if tr := res.Lists[0].Info.Jobs[1].AllTries(); len(tr) != 1 || tr[0].Outcome != cluster.TryRunning || tr[0].Worker != 2 {
		t.Fatalf("the running job's tries: %+v", tr)
	}
}

// TestBatchesFilterAndPage lists lists across runs with each filter and pages.
func TestBatchesFilterAndPage(t *testing.T) {
	s := open(t, t.TempDir(), store.Options{})
	defer s.Close()
	for i, id := range []string{"a-1", "a-2", "b-1", "b-2"} {
		list(s, id, int64(i*10+1), 1)
	}
	sum := &cluster.BatchSummary{Total: 1, Done: 1}
	s.Record(cluster.Change{Type: cluster.ChangeListEnd, List: "a-2", ListState: cluster.BatchDone, Finished: t0, Summary: sum})
	flush(t, s)
	ids := func(f cluster.BatchFilter) string {
		bs, err := s.Batches(f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range bs {
			out = append(out, b.ID)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		f    cluster.BatchFilter
		want string
	}{
		{cluster.BatchFilter{Limit: 10}, "b-2 b-1 a-2 a-1"},
		{cluster.BatchFilter{Limit: 2}, "b-2 b-1"},
		{cluster.BatchFilter{Limit: 2, Before: "b-1"}, "a-2 a-1"},
		{cluster.BatchFilter{Limit: 10, Run: "a"}, "a-2 a-1"},
		{cluster.BatchFilter{Limit: 10, State: cluster.BatchDone}, "a-2"},
		{cluster.BatchFilter{Limit: 10, Kind: "other"}, ""},
	} {
		if got := ids(c.f); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.f, got, c.want)
		}
	}
	if _, err := s.Batches(cluster.BatchFilter{Before: "nope"}); !errors.Is(err, cluster.ErrInvalid) {
		t.Errorf("unknown before: %v", err)
	}
	if _, err := s.Batch("nope", 0, 1); !errors.Is(err, cluster.ErrNotFound) {
		t.Errorf("unknown list: %v", err)
	}
}

// TestNewerSchemaIsRefusedUnchanged: a database from a newer gocluster is not
// touched.
func TestNewerSchemaIsRefusedUnchanged(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, store.Options{}).Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(filepath.Join(dir, store.FileName))
	_, err = store.Open(dir, store.Options{})
	if !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), filepath.Join(dir, store.FileName)) ||
		!strings.Contains(err.Error(), "version 99") {
		t.Fatalf("newer schema: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, store.FileName))
	if string(before) != string(after) {
		t.Fatal("the newer database was changed")
	}
}

// TestBadFilesAreClearErrors: a corrupt database, an unwritable one, and a data
// directory another primary holds each fail Open with the path and the reason.
func TestBadFilesAreClearErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	os.WriteFile(path, []byte(strings.Repeat("not a database ", 1000)), 0o600)
	if _, err := store.Open(dir, store.Options{}); err == nil || !strings.Contains(err.Error(), path) ||
		!strings.Contains(err.Error(), "not a database") {
		t.Errorf("corrupt: %v", err)
	}
	dir2 := t.TempDir()
	s := open(t, dir2, store.Options{})
	if _, err := store.Open(dir2, store.Options{}); err == nil || !strings.Contains(err.Error(), "in use by another gocluster") {
		t.Errorf("second open: %v", err)
	}
	s.Close()
	if os.Geteuid() != 0 { // root writes anyway
		os.Chmod(filepath.Join(dir2, store.FileName), 0o400)
		if _, err := store.Open(dir2, store.Options{}); err == nil || !strings.Contains(err.Error(), "cannot write") {
			t.Errorf("read-only file: %v", err)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := store.Open(file, store.Options{}); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("a file as the directory: %v", err)
	}
}

// TestFullDatabaseFailsWritesAndKeepsThem: past MaxBytes a group's write fails,
// Flush and Err say so, and nothing of it is half written: reopened, the list is
// not there.
func TestFullDatabaseFailsWritesAndKeepsThem(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{MaxBytes: 256 << 10})
	big := make([]json.RawMessage, 2000)
	for i := range big {
		big[i] = json.RawMessage(`"` + strings.Repeat("x", 200) + `"`)
	}
	s.Record(cluster.Change{Type: cluster.ChangeList, List: "r-1", Kind: "k", Created: t0, FirstJob: 1, Inputs: big})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := s.Flush(ctx)
	if err == nil || !strings.Contains(err.Error(), "full") || s.Err() == nil {
		t.Fatalf("flush of a list bigger than the cap: %v (Err %v)", err, s.Err())
	}
	s.Close()
	s = open(t, dir, store.Options{})
	defer s.Close()
	if _, err := s.Batch("r-1", 0, 1); !errors.Is(err, cluster.ErrNotFound) {
		t.Fatalf("a list whose write failed is half there: %v", err)
	}
}

// TestBackupWhileOpen copies a history the store holds open, with a group
// pending, and reads the copy as a history.
func TestBackupWhileOpen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	list(s, "r-1", 1, 5)
	flush(t, s)
	list(s, "r-2", 6, 5) // maybe not yet written: the copy is a consistent snapshot either way
	to := filepath.Join(t.TempDir(), "copy", store.FileName)
	os.MkdirAll(filepath.Dir(to), 0o700)
	if err := store.Backup(context.Background(), dir, to); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := store.Backup(context.Background(), dir, to); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over a file: %v", err)
	}
	c := open(t, filepath.Dir(to), store.Options{})
	defer c.Close()
	got, err := c.Batch("r-1", 0, 10)
	if err != nil || len(got.Jobs) != 5 {
		t.Fatalf("the copy: %+v %v", got, err)
	}
}

// TestDamagedPagesAreAClearStartError: garbage over data pages in the middle of
// the file (the header and schema intact) stops Open with the path and "damaged".
func TestDamagedPagesAreAClearStartError(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	for l := range 4 {
		id := "r-" + string(rune('1'+l))
		first := int64(l*5000 + 1)
		list(s, id, first, 5000)
		for j := range int64(5000) {
			s.Record(cluster.Change{Type: cluster.ChangeEnd, List: id, Job: first + j, State: cluster.JobDone,
				Result: json.RawMessage(`1`), Attempts: 1, Try: try(1, 0, cluster.TryDone)})
		}
		flush(t, s)
	}
	s.Close()
	path := filepath.Join(dir, store.FileName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	pages := fi.Size() / 4096
	if pages < 20 {
		t.Fatalf("the database has only %d pages", pages)
	}
	f.WriteAt([]byte(strings.Repeat("\xff\x00garbage", 4096*8/9)), pages/2*4096)
	f.Close()
	if _, err := store.Open(dir, store.Options{}); err == nil || !strings.Contains(err.Error(), path) ||
		!strings.Contains(err.Error(), "damaged") {
		t.Fatalf("a database with damaged pages: %v", err)
	}
}
