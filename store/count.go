package store

import (
	"database/sql"
	"encoding/binary"
	"fmt"

	"github.com/gocluster/gocluster/cluster"
)

// maxListJobs is the most jobs one list can hold (-max-jobs-per-list's ceiling): a
// list row saying more is damaged.
const maxListJobs = 100_000_000

// checkTotal says whether a list's total of jobs is one its rows can back, before
// anything is allocated for them: at most maxListJobs, and at most the count at
// the head of its inputs blob (schema 2) or its jobs rows (schema 1). A damaged
// total is errChunk naming the list, never a panic or an allocation of 1<<40 jobs.
func (s *Store) checkTotal(r *listRow) error {
	if r.total < 0 || r.total > maxListJobs {
		return fmt.Errorf("list %s says %d jobs: %w", r.id, r.total, errChunk)
	}
	var held uint64
	if r.chunked {
		var head []byte
		err := s.db.QueryRow("SELECT substr(inputs, 1, ?) FROM lists WHERE id = ?", binary.MaxVarintLen64,
			r.id).Scan(&head)
		if err != nil {
			return fmt.Errorf("read inputs of %s: %w", r.id, err)
		}
		d := decoder{buf: head}
		if held = d.uvarint(); d.err != nil {
			return fmt.Errorf("inputs of %s: %w", r.id, errChunk)
		}
	} else {
		err := s.db.QueryRow("SELECT count(*) FROM jobs WHERE id BETWEEN ? AND ?", r.firstJob,
			r.firstJob+int64(r.total)-1).Scan(&held)
		if err != nil {
			return fmt.Errorf("count jobs of %s: %w", r.id, err)
		}
	}
	if uint64(r.total) > held {
		return fmt.Errorf("list %s says %d jobs, its rows hold %d: %w", r.id, r.total, held, errChunk)
	}
	return nil
}

// countJobs fills the summary of a list schema 2 wrote from one pass over its
// chunks, keeping only a state code and a duration per job (9 bytes) and decoding
// leanly: a running list of 200k jobs costs a few MB, not a JobInfo and tries each.
func (s *Store) countJobs(r *listRow) error {
	if err := s.checkTotal(r); err != nil {
		return err
	}
	states := make([]uint8, r.total) // indexes of stateNames; 0 ("") counts as queued
	durs := make([]float64, r.total)
	rows, err := s.db.Query("SELECT body FROM chunks WHERE list = ? ORDER BY id", r.id)
	if err != nil {
		return fmt.Errorf("read job records: %w", err)
	}
	defer rows.Close()
	var body sql.RawBytes
	var rec record
	for rows.Next() {
		if err := rows.Scan(&body); err != nil {
			return err
		}
		d := decoder{buf: body, lean: true}
		for d.next(&rec) {
			if i := rec.job - r.firstJob; i >= 0 && i < int64(len(states)) {
				states[i], durs[i] = tally(&rec, states[i], durs[i])
			}
		}
		if d.err != nil {
			return fmt.Errorf("job records of %s: %w", r.id, d.err)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sum := &r.info.Summary
	sum.Total = r.total
	for i, st := range states {
		*countOf(sum, stateNames[st])++
		sum.WorkMS += durs[i]
		sum.MaxJobMS = max(sum.MaxJobMS, durs[i])
	}
	return nil
}

// tally is a job's state code and duration after a record, as jobAcc.apply makes
// its JobInfo's.
func tally(r *record, st uint8, dur float64) (uint8, float64) {
	switch r.kind {
	case recStart:
		if r.try != nil {
			dur = 0
		}
		return stateCode(cluster.JobRunning), dur
	case recLost:
		return stateCode(cluster.JobQueued), 0
	}
	if r.try == nil || r.try.Outcome == cluster.TryRunning {
		return stateCode(r.state), 0
	}
	return stateCode(r.state), r.try.DurationMS
}

func stateCode(st cluster.JobState) uint8 {
	for i, n := range stateNames {
		if n == st {
			return uint8(i)
		}
	}
	return 0
}
