package store

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// Begin records run and hands back the lists earlier runs left running, each with
// every job, and the first job id free (cluster.Store).
func (s *Store) Begin(run cluster.RunInfo) (cluster.Resume, error) {
	var res cluster.Resume
	if _, err := s.db.Exec("INSERT INTO runs(id, started_at, version, flags) VALUES(?, ?, ?, ?)",
		run.ID, run.Started.UnixNano(), s.opts.Version, s.opts.Flags); err != nil {
		return res, fmt.Errorf("record run %s in %s: %w", run.ID, s.path, err)
	}
	s.run = run.ID
	s.w.setRun(run.ID)
	err := s.db.QueryRow(`SELECT max((SELECT value FROM meta WHERE key = 'next_job'),
		coalesce((SELECT max(id) FROM jobs), 0) + 1)`).Scan(&res.NextJob)
	if err != nil {
		return res, fmt.Errorf("read next job id: %w", err)
	}
	res.Lists, err = s.unfinished()
	return res, err
}

// unfinished reads the lists still running, oldest first, with all their jobs.
func (s *Store) unfinished() ([]cluster.SavedList, error) {
	rows, err := s.db.Query("SELECT id, lim FROM lists WHERE state = 'running' ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("find unfinished lists: %w", err)
	}
	type ref struct {
		id    string
		limit int
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.id, &r.limit); err != nil {
			rows.Close()
			return nil, err
		}
		refs = append(refs, r)
	}
	rows.Close()
	out := make([]cluster.SavedList, 0, len(refs))
	var alive []runAlive
	if len(refs) > 0 {
		if alive, err = s.lastAlive(); err != nil {
			return nil, err
		}
	}
	for _, r := range refs {
		info, err := s.Batch(r.id, 0, math.MaxInt)
		if err != nil {
			return nil, err
		}
		endLostTries(info.Jobs, alive)
		out = append(out, cluster.SavedList{Info: info, Limit: r.limit})
	}
	return out, nil
}

// runAlive is an earlier run's start and the last moment it was known alive (its
// last write, or its stop).
type runAlive struct{ started, alive int64 }

// lastAlive reads the earlier runs that say when they were last alive, by start.
func (s *Store) lastAlive() ([]runAlive, error) {
	rows, err := s.db.Query(`SELECT started_at, max(coalesce(alive_at, 0), coalesce(stopped_at, 0)) FROM runs
		WHERE id != ? AND (alive_at IS NOT NULL OR stopped_at IS NOT NULL) ORDER BY started_at`, s.run)
	if err != nil {
		return nil, fmt.Errorf("read earlier runs: %w", err)
	}
	defer rows.Close()
	var out []runAlive
	for rows.Next() {
		var r runAlive
		if err := rows.Scan(&r.started, &r.alive); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// endLostTries gives each try still running the last moment the run that started
// it (the latest run started before it) was known alive, as its FinishedAt: the
// pool ends it there as primary_lost (cluster.Resume).
func endLostTries(jobs []cluster.JobInfo, runs []runAlive) {
	for i := range jobs {
		tries := jobs[i].Tries
		if len(tries) == 0 || tries[len(tries)-1].Outcome != cluster.TryRunning {
			continue
		}
		t := &tries[len(tries)-1]
		at := t.StartedAt.UnixNano()
		k := sort.Search(len(runs), func(k int) bool { return runs[k].started > at }) - 1
		if k >= 0 && runs[k].alive >= at {
			f := time.Unix(0, runs[k].alive)
			t.FinishedAt = &f
		}
	}
}

// Batches lists lists newest first as f says, without their jobs (cluster.Store).
// The summary of a list whose end was not written is counted from its records,
// unless f.Held says the pool holds it (its row then has no counts).
func (s *Store) Batches(f cluster.BatchFilter) ([]cluster.BatchInfo, error) {
	before := int64(math.MaxInt64)
	if f.Before != "" {
		err := s.db.QueryRow("SELECT seq FROM lists WHERE id = ?", f.Before).Scan(&before)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: before: no job list %q", cluster.ErrInvalid, f.Before)
		}
		if err != nil {
			return nil, err
		}
	}
	rows, err := s.db.Query("SELECT "+listColumns+` FROM lists WHERE seq < ? AND (? = '' OR state = ?)
		AND (? = '' OR kind = ?) AND (? = '' OR run = ?) ORDER BY seq DESC LIMIT ?`,
		before, f.State, f.State, f.Kind, f.Kind, f.Run, f.Run, max(f.Limit, 1))
	if err != nil {
		return nil, fmt.Errorf("list job lists: %w", err)
	}
	var list []listRow
	for rows.Next() {
		r, err := scanList(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, r)
	}
	rows.Close()
	out := make([]cluster.BatchInfo, 0, len(list))
	for i := range list {
		if f.Held != nil && f.Held(list[i].id) {
			// The pool replaces it with its own copy: no need to count its jobs.
		} else if err := s.fillSummary(&list[i]); err != nil {
			return nil, err
		}
		out = append(out, list[i].info)
	}
	return out, rows.Err()
}

// Retain bounds the history: finished lists older than Age, and beyond the newest
// Lists, are pruned with their jobs and attempts; events beyond the newest Events.
// Zero fields take DefaultRetain's; a negative one keeps everything.
type Retain struct {
	Age    time.Duration
	Lists  int
	Events int
}

// DefaultRetain keeps 30 days, at most 10,000 finished lists and 100,000 events.
var DefaultRetain = Retain{Age: 30 * 24 * time.Hour, Lists: 10000, Events: 100000}

func (r Retain) withDefaults() Retain {
	if r.Age == 0 {
		r.Age = DefaultRetain.Age
	}
	if r.Lists == 0 {
		r.Lists = DefaultRetain.Lists
	}
	if r.Events == 0 {
		r.Events = DefaultRetain.Events
	}
	return r
}
