package store_test

import (
	"database/sql"
	"encoding/json"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/store"
)

// bigRunningList records a running list of n jobs: every job started, all but the
// last tenth ended done (1 ms each), the others still running.
func bigRunningList(t *testing.T, s *store.Store, id string, n int) {
	t.Helper()
	list(s, id, 1, n)
	for j := int64(1); j <= int64(n); j++ {
		s.Record(cluster.Change{Type: cluster.ChangeStart, List: id, Job: j, State: cluster.JobRunning, Attempts: 1,
			Try: cluster.Try{Worker: 1, PID: 101, StartedAt: t0, Outcome: cluster.TryRunning}})
		if j <= int64(n-n/10) {
			s.Record(cluster.Change{Type: cluster.ChangeEnd, List: id, Job: j, State: cluster.JobDone,
				Result: json.RawMessage(`1`), Attempts: 1, Try: try(1, 0, cluster.TryDone)})
		}
	}
	flush(t, s)
}

// allocated is the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBatchesOfABigRunningListAllocateLittle: listing lists with a running list of
// 100k jobs does not build its jobs: held by the pool (f.Held) its jobs are not
// read at all; not held, they are counted in one lean pass, a few bytes each. The
// counts agree with reading the whole list.
func TestBatchesOfABigRunningListAllocateLittle(t *testing.T) {
	const n = 100_000
	s := open(t, t.TempDir(), store.Options{})
	defer s.Close()
	bigRunningList(t, s, "r-1", n)
	var got []cluster.BatchInfo
	var err error
	held := allocated(func() {
		got, err = s.Batches(cluster.BatchFilter{Limit: 10, Held: func(id string) bool { return id == "r-1" }})
	})
	if err != nil || len(got) != 1 {
		t.Fatalf("held: %+v %v", got, err)
	}
	if held > 1<<20 {
		t.Errorf("Batches with the list held allocated %d bytes (bound 1 MiB)", held)
	}
	counted := allocated(func() { got, err = s.Batches(cluster.BatchFilter{Limit: 10}) })
	if err != nil || len(got) != 1 {
		t.Fatalf("counted: %+v %v", got, err)
	}
	// Building every job took about 765 bytes a job; counting keeps 9 and reads the
	// chunks' bodies.
	if counted > 200*n {
		t.Errorf("Batches counting the list allocated %d bytes, %d a job (bound 200)", counted, counted/n)
	}
	t.Logf("allocated: %d bytes held, %d counted (%d a job)", held, counted, counted/n)
	whole, err := s.Batch("r-1", 0, math.MaxInt)
	if err != nil {
		t.Fatal(err)
	}
	sum := got[0].Summary
	if sum != whole.Summary || sum.Total != n || sum.Done != n-n/10 || sum.Running != n/10 || sum.WorkMS != 10*float64(n-n/10) {
		t.Fatalf("counted summary %+v, read whole %+v", sum, whole.Summary)
	}
	page, err := s.Batch("r-1", n-5, 10)
	if err != nil || len(page.Jobs) != 5 || page.Summary != sum {
		t.Fatalf("a page of the list: %d jobs, %+v, %v", len(page.Jobs), page.Summary, err)
	}
}

// damage opens the database in dir directly and runs q.
func damage(t *testing.T, dir, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedTotalIsAClearError: a running list whose row says a negative total,
// a huge one, or more jobs than its inputs hold stops Begin (the primary's start)
// with an error naming the list, never a panic or an allocation of 1<<40 jobs; and
// reading it through the API's calls says the same.
func TestDamagedTotalIsAClearError(t *testing.T) {
	for _, total := range []int64{-1, 1 << 40, 4} {
		dir := t.TempDir()
		s := open(t, dir, store.Options{})
		if _, err := s.Begin(cluster.RunInfo{ID: "r", Started: t0}); err != nil {
			t.Fatal(err)
		}
		list(s, "r-1", 1, 3)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		damage(t, dir, "UPDATE lists SET total = ? WHERE id = 'r-1'", total)
		s = open(t, dir, store.Options{})
		_, err := s.Begin(cluster.RunInfo{ID: "r2", Started: t0.Add(time.Hour)})
		if err == nil || !strings.Contains(err.Error(), "r-1") || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("total %d: Begin: %v", total, err)
		}
		if _, err := s.Batch("r-1", 0, 10); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("total %d: Batch: %v", total, err)
		}
		if _, err := s.Batches(cluster.BatchFilter{Limit: 10}); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("total %d: Batches: %v", total, err)
		}
		s.Close()
	}
}

// TestOrphanedChunksAreSweptAtStart: a crash between pruning a list's row and its
// chunks leaves chunks without a list; the next start deletes them, and keeps the
// chunks of lists still there.
func TestOrphanedChunksAreSweptAtStart(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	for i, id := range []string{"r-1", "r-2"} {
		list(s, id, int64(i*10+1), 3)
		for j := int64(1); j <= 3; j++ {
			s.Record(cluster.Change{Type: cluster.ChangeEnd, List: id, Job: int64(i*10) + j, State: cluster.JobDone,
				Attempts: 1, Try: try(1, 0, cluster.TryDone)})
			flush(t, s) // a row of chunks each
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	damage(t, dir, "DELETE FROM lists WHERE id = 'r-1'") // as a prune the crash cut short
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(id string) int {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM chunks WHERE list = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count("r-1") != 3 || count("r-2") != 3 {
		t.Fatalf("before: %d and %d rows of chunks", count("r-1"), count("r-2"))
	}
	s = open(t, dir, store.Options{})
	defer s.Close()
	deadline := time.Now().Add(time.Minute)
	for count("r-1") != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("orphaned chunks still there: %d rows", count("r-1"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if count("r-2") != 3 {
		t.Fatalf("the kept list's chunks: %d rows", count("r-2"))
	}
	if got, err := s.Batch("r-2", 0, 10); err != nil || got.Summary.Done != 3 {
		t.Fatalf("the kept list: %+v %v", got.Summary, err)
	}
}
