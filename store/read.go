package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

const listColumns = `seq, id, kind, state, created_at, finished_at, timeout_ns, lim, workers, first_job, total, summary`

// listRow is one row of lists.
type listRow struct {
	seq, firstJob      int64
	info               cluster.BatchInfo
	limit, total       int
	summary            sql.NullString
	finished, timeout  sql.NullInt64
	created            int64
	kind, id, stateStr string
}

type scanner interface{ Scan(dest ...any) error }

func scanList(sc scanner) (listRow, error) {
	var r listRow
	err := sc.Scan(&r.seq, &r.id, &r.kind, &r.stateStr, &r.created, &r.finished, &r.timeout, &r.limit,
		&r.info.Summary.Workers, &r.firstJob, &r.total, &r.summary)
	if err != nil {
		return r, err
	}
	r.info.ID, r.info.Kind, r.info.State = r.id, r.kind, cluster.BatchState(r.stateStr)
	r.info.CreatedAt = time.Unix(0, r.created)
	r.info.Timeout = cluster.Duration(r.timeout.Int64)
	if r.finished.Valid {
		t := time.Unix(0, r.finished.Int64)
		r.info.FinishedAt = &t
	}
	if r.summary.Valid {
		if err := json.Unmarshal([]byte(r.summary.String), &r.info.Summary); err != nil {
			return r, fmt.Errorf("list %s: summary: %w", r.id, err)
		}
	}
	return r, nil
}

// Batch reads one list with the jobs [offset, offset+limit) (cluster.Store).
func (s *Store) Batch(id string, offset, limit int) (cluster.BatchInfo, error) {
	r, err := scanList(s.db.QueryRow("SELECT "+listColumns+" FROM lists WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return cluster.BatchInfo{}, fmt.Errorf("%w: no job list %q", cluster.ErrNotFound, id)
	}
	if err != nil {
		return cluster.BatchInfo{}, fmt.Errorf("read list %s: %w", id, err)
	}
	if err := s.fillSummary(&r); err != nil {
		return cluster.BatchInfo{}, err
	}
	offset = min(max(offset, 0), r.total)
	n := min(max(limit, 0), r.total-offset)
	jobs, err := s.jobs(r.firstJob+int64(offset), n)
	if err != nil {
		return cluster.BatchInfo{}, fmt.Errorf("read jobs of %s: %w", id, err)
	}
	for i := range jobs {
		jobs[i].QueuedAt = r.info.CreatedAt
	}
	r.info.Jobs = jobs
	return r.info, nil
}

// fillSummary counts the jobs of a list whose end (and summary) was not written.
func (s *Store) fillSummary(r *listRow) error {
	if r.summary.Valid {
		return nil
	}
	sum := &r.info.Summary
	sum.Total = r.total
	rows, err := s.db.Query(`SELECT state, count(*), coalesce(sum(duration_ms), 0), coalesce(max(duration_ms), 0)
		FROM jobs WHERE id BETWEEN ? AND ? GROUP BY state`, r.firstJob, r.firstJob+int64(r.total)-1)
	if err != nil {
		return fmt.Errorf("count jobs of %s: %w", r.id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		var work, longest float64
		if err := rows.Scan(&state, &n, &work, &longest); err != nil {
			return err
		}
		*countOf(sum, cluster.JobState(state)) += n
		sum.WorkMS += work
		sum.MaxJobMS = max(sum.MaxJobMS, longest)
	}
	return rows.Err()
}

func countOf(sum *cluster.BatchSummary, st cluster.JobState) *int {
	switch st {
	case cluster.JobRunning:
		return &sum.Running
	case cluster.JobDone:
		return &sum.Done
	case cluster.JobFailed:
		return &sum.Failed
	case cluster.JobCanceled:
		return &sum.Canceled
	}
	return &sum.Queued
}

const jobColumns = `id, input, state, result, error, error_data, worker, pid, host, attempts, started_at,
	finished_at, duration_ms, outcome`

// jobs reads n jobs from id first, each with its tries.
func (s *Store) jobs(first int64, n int) ([]cluster.JobInfo, error) {
	out := make([]cluster.JobInfo, 0, n)
	if n == 0 {
		return out, nil
	}
	tries, err := s.tries(first, first+int64(n)-1)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query("SELECT "+jobColumns+" FROM jobs WHERE id BETWEEN ? AND ? ORDER BY id",
		first, first+int64(n)-1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		j, err := scanJob(rows, tries)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func scanJob(sc scanner, tries map[int64][]cluster.Try) (cluster.JobInfo, error) {
	var j cluster.JobInfo
	var input, state string
	var result, errMsg, errData, host, outcome sql.NullString
	var worker, pid, started, finished sql.NullInt64
	var dur sql.NullFloat64
	if err := sc.Scan(&j.ID, &input, &state, &result, &errMsg, &errData, &worker, &pid, &host, &j.Attempts,
		&started, &finished, &dur, &outcome); err != nil {
		return j, err
	}
	j.Input, j.State, j.Error = json.RawMessage(input), cluster.JobState(state), errMsg.String
	j.Result, j.ErrorData = rawOf(result), rawOf(errData)
	j.Worker, j.PID, j.Host, j.DurationMS = int(worker.Int64), int(pid.Int64), host.String, dur.Float64
	j.StartedAt, j.FinishedAt = timeOf(started), timeOf(finished)
	j.Tries = append([]cluster.Try{}, tries[j.ID]...)
	if outcome.Valid {
		t := cluster.Try{Worker: j.Worker, PID: j.PID, Host: host.String, Outcome: cluster.TryOutcome(outcome.String),
			StartedAt: time.Unix(0, started.Int64), FinishedAt: j.FinishedAt}
		if t.Outcome != cluster.TryRunning {
			t.DurationMS = j.DurationMS
		} else {
			t.FinishedAt = nil
		}
		j.Tries = append(j.Tries, t)
	}
	return j, nil
}

// tries reads the earlier attempts of jobs [from, to], by job, oldest first.
func (s *Store) tries(from, to int64) (map[int64][]cluster.Try, error) {
	rows, err := s.db.Query(`SELECT job, worker, pid, host, started_at, finished_at, duration_ms, outcome
		FROM attempts WHERE job BETWEEN ? AND ? ORDER BY job, n`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]cluster.Try{}
	for rows.Next() {
		var job int64
		var t cluster.Try
		var host sql.NullString
		var started, finished sql.NullInt64
		var outcome string
		if err := rows.Scan(&job, &t.Worker, &t.PID, &host, &started, &finished, &t.DurationMS, &outcome); err != nil {
			return nil, err
		}
		t.Host, t.Outcome, t.StartedAt, t.FinishedAt = host.String, cluster.TryOutcome(outcome),
			time.Unix(0, started.Int64), timeOf(finished)
		out[job] = append(out[job], t)
	}
	return out, rows.Err()
}

func rawOf(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

func timeOf(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.Unix(0, v.Int64)
	return &t
}
