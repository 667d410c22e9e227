package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// v1Rows are rows as gocluster's schema 1 wrote them: a finished list (job 1 done
// on its second attempt, job 2 failed) and a running one (job 3 done, job 4
// running, job 5 queued).
const v1Rows = `
INSERT INTO lists(id, run, kind, state, created_at, finished_at, timeout_ns, lim, workers, first_job, total, summary)
	VALUES('old-1', 'old', 'fib', 'done', 1000, 9000, 0, 0, 2, 1, 2,
	'{"total":2,"queued":0,"running":0,"done":1,"failed":1,"canceled":0,"work_ms":20,"workers":2,"max_job_ms":10}');
INSERT INTO lists(id, run, kind, state, created_at, timeout_ns, lim, workers, first_job, total)
	VALUES('old-2', 'old', 'fib', 'running', 2000, 0, 1, 2, 3, 3);
INSERT INTO jobs(id, input, state, result, worker, pid, host, attempts, started_at, finished_at, duration_ms, outcome)
	VALUES(1, '10', 'done', '55', 2, 102, '', 2, 3000, 4000, 10, 'done');
INSERT INTO attempts(job, n, worker, pid, host, started_at, finished_at, duration_ms, outcome)
	VALUES(1, 1, 1, 101, '', 1500, 2500, 10, 'killed');
INSERT INTO jobs(id, input, state, error, worker, pid, attempts, started_at, finished_at, duration_ms, outcome)
	VALUES(2, '-1', 'failed', 'bad input', 1, 101, 1, 3000, 4000, 10, 'failed');
INSERT INTO jobs(id, input, state, result, worker, pid, attempts, started_at, finished_at, duration_ms, outcome)
	VALUES(3, '1', 'done', '1', 1, 101, 1, 3000, 4000, 1, 'done');
INSERT INTO jobs(id, input, state, worker, pid, attempts, started_at, outcome)
	VALUES(4, '2', 'running', 2, 102, 1, 5000, 'running');
INSERT INTO jobs(id, input) VALUES(5, '3');
UPDATE meta SET value = 6 WHERE key = 'next_job';`

// TestSchema1DatabaseOpensAndReads builds a database with schema 1 alone and the
// rows that version wrote, opens it with this binary (migrating it), and reads
// both lists back; the running one resumes, and what this binary records for it
// reads on top of its old rows.
func TestSchema1DatabaseOpensAndReads(t *testing.T) {
	dir := t.TempDir()
	writeV1(t, filepath.Join(dir, FileName))
	s, err := Open(dir, Options{Retain: Retain{Age: -1, Lists: -1}}) // the pruner would take old-1 (from 1970)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old, err := s.Batch("old-1", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	j1, j2 := old.Jobs[0], old.Jobs[1]
	if old.State != cluster.BatchDone || old.Summary.Done != 1 || old.Summary.Failed != 1 || len(old.Jobs) != 2 ||
		string(j1.Input) != "10" || string(j1.Result) != "55" || len(j1.Tries) != 2 ||
		j1.Tries[0].Outcome != cluster.TryKilled || j1.Tries[1].Outcome != cluster.TryDone || j1.Tries[1].PID != 102 ||
		j2.State != cluster.JobFailed || j2.Error != "bad input" || len(j2.Tries) != 1 {
		t.Fatalf("the finished schema-1 list: %+v", old)
	}
	res, err := s.Begin(cluster.RunInfo{ID: "new", Started: time.Now()})
	if err != nil || res.NextJob != 6 || len(res.Lists) != 1 || res.Lists[0].Limit != 1 {
		t.Fatalf("begin: %+v %v", res, err)
	}
	run := res.Lists[0].Info
	if run.Summary.Done != 1 || run.Summary.Running != 1 || run.Summary.Queued != 1 ||
		run.Jobs[1].Tries[0].Outcome != cluster.TryRunning || string(run.Jobs[2].Input) != "3" {
		t.Fatalf("the running schema-1 list: %+v", run)
	}
	f := time.Now()
	s.Record(cluster.Change{Type: cluster.ChangeEnd, List: "old-2", Job: 5, State: cluster.JobDone,
		Result: json.RawMessage(`2`), Attempts: 1, Try: cluster.Try{Worker: 3, PID: 103, StartedAt: f, FinishedAt: &f,
			Outcome: cluster.TryDone}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Batch("old-2", 1, 2)
	if err != nil || len(got.Jobs) != 2 || got.Jobs[0].State != cluster.JobRunning || got.Jobs[1].State != cluster.JobDone ||
		string(got.Jobs[1].Result) != "2" || string(got.Jobs[1].Input) != "3" || got.Summary.Done != 2 {
		t.Fatalf("the schema-1 list with a new record: %+v %v", got, err)
	}
}

func writeV1(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := step(context.Background(), db, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(v1Rows); err != nil {
		t.Fatal(err)
	}
}

// TestPruneDeletesListsWithTheirRecords: past Retain.Lists, the oldest finished
// lists go with their chunks (and a schema-1 list with its jobs and attempts); the
// running list and the newest finished one stay whole.
func TestPruneDeletesListsWithTheirRecords(t *testing.T) {
	dir := t.TempDir()
	writeV1(t, filepath.Join(dir, FileName))
	s, err := Open(dir, Options{Retain: Retain{Lists: -1, Age: -1}})
	if err != nil {
		t.Fatal(err)
	}
	f := time.Now()
	for i, id := range []string{"new-1", "new-2"} {
		first := int64(6 + 2*i)
		s.Record(cluster.Change{Type: cluster.ChangeList, List: id, Kind: "k", Created: f, FirstJob: first,
			Inputs: []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`2`)}})
		for j := range int64(2) {
			s.Record(cluster.Change{Type: cluster.ChangeEnd, List: id, Job: first + j, State: cluster.JobDone, Attempts: 1,
				Try: cluster.Try{StartedAt: f, FinishedAt: &f, Outcome: cluster.TryDone}})
		}
		s.Record(cluster.Change{Type: cluster.ChangeListEnd, List: id, ListState: cluster.BatchDone, Finished: f,
			Summary: &cluster.BatchSummary{Total: 2, Done: 2}})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{Retain: Retain{Lists: 1, Age: -1}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func(q string) int {
		var n int
		if err := s.db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(time.Minute)
	for count("SELECT count(*) FROM chunks WHERE list = 'new-1'")+count("SELECT count(*) FROM jobs WHERE id <= 2") > 0 {
		if time.Now().After(deadline) {
			t.Fatal("new-1's chunks and old-1's jobs are still there")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if count("SELECT count(*) FROM lists") != 2 || count("SELECT count(*) FROM chunks WHERE list = 'new-2'") != 1 ||
		count("SELECT count(*) FROM attempts") != 0 || count("SELECT count(*) FROM jobs") != 3 {
		t.Fatal("the pruner deleted too much or too little")
	}
	if b, err := s.Batch("new-2", 0, 2); err != nil || b.Jobs[1].State != cluster.JobDone {
		t.Fatalf("the kept list: %+v %v", b, err)
	}
}
