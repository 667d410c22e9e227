package store

import (
	"fmt"

	"github.com/gocluster/gocluster/cluster"
)

// numTry is an earlier attempt of a job with its number (the job's attempts when
// it was lost): a lost attempt recorded twice is kept once.
type numTry struct {
	n int
	t cluster.Try
}

// jobAcc is one job as its records are read: its fields, its earlier attempts,
// and its latest attempt (nil when it has none, or that one was lost).
type jobAcc struct {
	info    cluster.JobInfo
	earlier []numTry
	latest  *cluster.Try
}

// listJobs reads the jobs [from, from+n) of a list: the inputs and, for a list
// schema 1 wrote, its jobs rows; then every chunk of the list, in order, the
// latest record of a job winning.
func (s *Store) listJobs(r *listRow, from, n int) ([]cluster.JobInfo, error) {
	if n <= 0 {
		return []cluster.JobInfo{}, nil
	}
	if err := s.checkTotal(r); err != nil {
		return nil, err
	}
	first := r.firstJob + int64(from)
	accs := make([]jobAcc, n)
	for i := range accs {
		accs[i].info = cluster.JobInfo{ID: first + int64(i), State: cluster.JobQueued}
	}
	if err := s.baseJobs(r, from, accs); err != nil {
		return nil, err
	}
	if err := s.applyChunks(r.id, first, accs); err != nil {
		return nil, err
	}
	out := make([]cluster.JobInfo, n)
	for i := range accs {
		out[i] = accs[i].result()
	}
	return out, nil
}

// baseJobs fills accs with the inputs (schema 2) or the jobs rows (schema 1).
func (s *Store) baseJobs(r *listRow, from int, accs []jobAcc) error {
	if !r.chunked {
		return s.v1Jobs(r.firstJob+int64(from), accs)
	}
	var blob []byte
	if err := s.db.QueryRow("SELECT inputs FROM lists WHERE id = ?", r.id).Scan(&blob); err != nil {
		return fmt.Errorf("read inputs: %w", err)
	}
	inputs, err := decodeInputs(blob, from, len(accs))
	if err != nil {
		return err
	}
	for i := range accs {
		accs[i].info.Input = inputs[i]
	}
	return nil
}

// applyChunks applies the list's records of jobs in accs, oldest first.
func (s *Store) applyChunks(list string, first int64, accs []jobAcc) error {
	rows, err := s.db.Query("SELECT body FROM chunks WHERE list = ? ORDER BY id", list)
	if err != nil {
		return fmt.Errorf("read job records: %w", err)
	}
	defer rows.Close()
	var body []byte
	var rec record
	for rows.Next() {
		if err := rows.Scan(&body); err != nil {
			return err
		}
		d := decoder{buf: body}
		for d.next(&rec) {
			if i := rec.job - first; i >= 0 && i < int64(len(accs)) {
				accs[i].apply(&rec)
			}
		}
		if d.err != nil {
			return fmt.Errorf("job records of %s: %w", list, d.err)
		}
	}
	return rows.Err()
}

func (a *jobAcc) apply(r *record) {
	j := &a.info
	j.Attempts, j.State = r.attempts, r.state
	switch r.kind {
	case recStart:
		j.State = cluster.JobRunning
		if r.try != nil {
			a.setLatest(r.try)
		}
	case recLost:
		j.State = cluster.JobQueued
		if r.try != nil {
			a.addEarlier(r.attempts, *r.try)
			a.setLatest(r.try)
		}
		a.latest, j.Error, j.FinishedAt, j.DurationMS = nil, r.errMsg, nil, 0
	case recEnd:
		j.Result, j.Error, j.ErrorData = r.result, r.errMsg, r.errData
		if r.try == nil {
			a.latest, j.Worker, j.PID, j.Host, j.StartedAt, j.DurationMS = nil, 0, 0, "", nil, 0
			j.FinishedAt = r.finished
			return
		}
		if r.try.FinishedAt == nil {
			r.try.FinishedAt = r.finished
		}
		a.setLatest(r.try)
	}
}

// setLatest makes t the job's latest attempt; its fields are the job's.
func (a *jobAcc) setLatest(t *cluster.Try) {
	j := &a.info
	started := t.StartedAt
	j.Worker, j.PID, j.Host, j.StartedAt = t.Worker, t.PID, t.Host, &started
	j.FinishedAt, j.DurationMS = t.FinishedAt, t.DurationMS
	if t.Outcome == cluster.TryRunning {
		j.FinishedAt, j.DurationMS = nil, 0
	}
	a.latest = t
}

// addEarlier keeps a lost attempt, numbered n, in order; the same number again
// replaces it.
func (a *jobAcc) addEarlier(n int, t cluster.Try) {
	i := len(a.earlier)
	for i > 0 && a.earlier[i-1].n >= n {
		i--
	}
	if i < len(a.earlier) && a.earlier[i].n == n {
		a.earlier[i].t = t
		return
	}
	a.earlier = append(a.earlier, numTry{})
	copy(a.earlier[i+1:], a.earlier[i:])
	a.earlier[i] = numTry{n: n, t: t}
}

// result is the job as read: every attempt in Tries, oldest first.
func (a *jobAcc) result() cluster.JobInfo {
	j := a.info
	j.Tries = make([]cluster.Try, 0, len(a.earlier)+1)
	for _, e := range a.earlier {
		j.Tries = append(j.Tries, e.t)
	}
	if a.latest != nil {
		t := *a.latest
		if t.Outcome == cluster.TryRunning {
			t.FinishedAt, t.DurationMS = nil, 0
		}
		j.Tries = append(j.Tries, t)
	}
	return j
}
