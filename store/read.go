package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

const listColumns = `seq, id, kind, state, created_at, finished_at, timeout_ns, lim, workers, first_job, total, summary,
	inputs IS NOT NULL`

// listRow is one row of lists.
type listRow struct {
	seq, firstJob      int64
	info               cluster.BatchInfo
	limit, total       int
	chunked            bool // written by schema 2: inputs blob and chunks, no jobs rows
	summary            sql.NullString
	finished, timeout  sql.NullInt64
	created            int64
	kind, id, stateStr string
}

type scanner interface{ Scan(dest ...any) error }

func scanList(sc scanner) (listRow, error) {
	var r listRow
	err := sc.Scan(&r.seq, &r.id, &r.kind, &r.stateStr, &r.created, &r.finished, &r.timeout, &r.limit,
		&r.info.Summary.Workers, &r.firstJob, &r.total, &r.summary, &r.chunked)
	if err != nil {
		return r, err
	}
	if r.total < 0 || r.firstJob < 0 {
		return r, fmt.Errorf("list %s: %d jobs from id %d: %w", r.id, r.total, r.firstJob, errChunk)
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
	offset = min(max(offset, 0), r.total)
	n := min(max(limit, 0), r.total-offset)
	jobs, err := s.listJobs(&r, offset, n)
	if err == nil && !r.summary.Valid { // its end was not written: count its jobs
		if offset == 0 && n == r.total {
			summarize(&r.info.Summary, jobs)
		} else {
			err = s.fillSummary(&r)
		}
	}
	if err != nil {
		return cluster.BatchInfo{}, fmt.Errorf("read jobs of %s: %w", id, err)
	}
	for i := range jobs {
		jobs[i].QueuedAt = r.info.CreatedAt
	}
	r.info.Jobs = jobs
	return r.info, nil
}

// fillSummary counts the jobs of a list whose end (and summary) was not written:
// one pass over its chunks keeping a state and a duration per job (countJobs), not
// each job's JobInfo and tries. A list schema 1 wrote is read whole.
func (s *Store) fillSummary(r *listRow) error {
	if r.summary.Valid {
		return nil
	}
	if r.chunked {
		if err := s.countJobs(r); err != nil {
			return fmt.Errorf("count jobs of %s: %w", r.id, err)
		}
		return nil
	}
	jobs, err := s.listJobs(r, 0, r.total)
	if err != nil {
		return fmt.Errorf("count jobs of %s: %w", r.id, err)
	}
	summarize(&r.info.Summary, jobs)
	return nil
}

func summarize(sum *cluster.BatchSummary, jobs []cluster.JobInfo) {
	sum.Total = len(jobs)
	for i := range jobs {
		*countOf(sum, jobs[i].State)++
		sum.WorkMS += jobs[i].DurationMS
		sum.MaxJobMS = max(sum.MaxJobMS, jobs[i].DurationMS)
	}
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

// v1Jobs reads the rows schema 1 wrote for n jobs from first, into accs.
func (s *Store) v1Jobs(first int64, accs []jobAcc) error {
	n := len(accs)
	tries, err := s.v1Tries(first, first+int64(n)-1)
	if err != nil {
		return err
	}
	rows, err := s.db.Query("SELECT "+jobColumns+" FROM jobs WHERE id BETWEEN ? AND ? ORDER BY id",
		first, first+int64(n)-1)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a jobAcc
		if err := scanJob(rows, &a); err != nil {
			return err
		}
		if i := a.info.ID - first; i >= 0 && i < int64(n) {
			a.earlier = tries[a.info.ID]
			accs[i] = a
		}
	}
	return rows.Err()
}

func scanJob(sc scanner, a *jobAcc) error {
	j := &a.info
	var input, state string
	var result, errMsg, errData, host, outcome sql.NullString
	var worker, pid, started, finished sql.NullInt64
	var dur sql.NullFloat64
	if err := sc.Scan(&j.ID, &input, &state, &result, &errMsg, &errData, &worker, &pid, &host, &j.Attempts,
		&started, &finished, &dur, &outcome); err != nil {
		return err
	}
	j.Input, j.State, j.Error = json.RawMessage(input), cluster.JobState(state), errMsg.String
	j.Result, j.ErrorData = rawOf(result), rawOf(errData)
	j.Worker, j.PID, j.Host, j.DurationMS = int(worker.Int64), int(pid.Int64), host.String, dur.Float64
	j.StartedAt, j.FinishedAt = timeOf(started), timeOf(finished)
	if outcome.Valid {
		a.latest = &cluster.Try{Worker: j.Worker, PID: j.PID, Host: host.String,
			Outcome: cluster.TryOutcome(outcome.String), StartedAt: time.Unix(0, started.Int64), FinishedAt: j.FinishedAt,
			DurationMS: j.DurationMS}
	}
	return nil
}

// v1Tries reads the earlier attempts of jobs [from, to] schema 1 wrote, by job,
// oldest first.
func (s *Store) v1Tries(from, to int64) (map[int64][]numTry, error) {
	rows, err := s.db.Query(`SELECT job, n, worker, pid, host, started_at, finished_at, duration_ms, outcome
		FROM attempts WHERE job BETWEEN ? AND ? ORDER BY job, n`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]numTry{}
	for rows.Next() {
		var job int64
		var nt numTry
		t := &nt.t
		var host sql.NullString
		var started, finished sql.NullInt64
		var outcome string
		if err := rows.Scan(&job, &nt.n, &t.Worker, &t.PID, &host, &started, &finished, &t.DurationMS,
			&outcome); err != nil {
			return nil, err
		}
		t.Host, t.Outcome, t.StartedAt, t.FinishedAt = host.String, cluster.TryOutcome(outcome),
			time.Unix(0, started.Int64), timeOf(finished)
		out[job] = append(out[job], nt)
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
