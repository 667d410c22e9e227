package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// SQL of the writes, one per change type.
const (
	sqlInsertList = `INSERT OR IGNORE INTO lists(id, run, kind, state, created_at, timeout_ns, lim, workers,
		first_job, total) VALUES(?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`
	sqlNextJob = `UPDATE meta SET value = max(value, ?) WHERE key = 'next_job'`
	sqlStart   = `UPDATE jobs SET state = 'running', worker = ?, pid = ?, host = ?, attempts = ?, started_at = ?,
		finished_at = NULL, duration_ms = NULL, outcome = 'running' WHERE id = ?`
	sqlLost = `UPDATE jobs SET state = 'queued', error = ?, attempts = ?, outcome = NULL WHERE id = ?`
	sqlTry  = `INSERT OR REPLACE INTO attempts(job, n, worker, pid, host, started_at, finished_at, duration_ms,
		outcome) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlListEnd = `UPDATE lists SET state = ?, finished_at = ?, summary = ? WHERE id = ?`
	sqlEvent   = `INSERT INTO events(run, seq, time, type, body) VALUES(?, ?, ?, ?, ?)`
)

// groupTx is one group's transaction with its statements prepared once.
type groupTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	ends  endBuffer
}

func (g *groupTx) exec(query string, args ...any) error {
	st := g.stmts[query]
	if st == nil {
		var err error
		if st, err = g.tx.Prepare(query); err != nil {
			return err
		}
		g.stmts[query] = st
	}
	_, err := st.Exec(args...)
	return err
}

// writeGroup writes changes in one transaction: all of them or none. A job's start
// followed in the same group by a later change of that job is skipped: the later
// one writes every field the start would (this halves the writes of tiny jobs).
func writeGroup(db *sql.DB, group changes) error {
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	g := &groupTx{tx: tx, stmts: map[string]*sql.Stmt{}}
	last := lastChangeOfJob(&group)
	err = group.each(func(i int, ch *cluster.Change) error {
		if ch.Type == cluster.ChangeStart && last[ch.Job] > i {
			return nil
		}
		var err error
		if ch.Type == cluster.ChangeEnd {
			err = g.bufferEnd(ch)
		} else if err = g.flushEnds(); err == nil {
			err = g.apply(ch)
		}
		if err != nil {
			return fmt.Errorf("write %s of %s: %w", changeName(ch.Type), ch.List, err)
		}
		return nil
	})
	if err == nil {
		err = g.flushEnds()
	}
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lastChangeOfJob maps each job to the index of its last change in the group.
func lastChangeOfJob(group *changes) map[int64]int {
	last := make(map[int64]int)
	group.each(func(i int, ch *cluster.Change) error {
		switch ch.Type {
		case cluster.ChangeStart, cluster.ChangeEnd, cluster.ChangeLost:
			last[ch.Job] = i
		}
		return nil
	})
	return last
}

func (g *groupTx) apply(ch *cluster.Change) error {
	switch ch.Type {
	case cluster.ChangeList:
		return g.insertList(ch)
	case cluster.ChangeStart:
		t := ch.Try
		return g.exec(sqlStart, t.Worker, t.PID, t.Host, ch.Attempts, t.StartedAt.UnixNano(), ch.Job)
	case cluster.ChangeEnd:
		if err := g.bufferEnd(ch); err != nil {
			return err
		}
		return g.flushEnds()
	case cluster.ChangeLost:
		if err := g.insertTry(ch.Job, ch.Attempts, ch.Try); err != nil {
			return err
		}
		return g.exec(sqlLost, nullString(ch.Error), ch.Attempts, ch.Job)
	case cluster.ChangeListEnd:
		sum, err := json.Marshal(ch.Summary)
		if err != nil {
			return err
		}
		return g.exec(sqlListEnd, string(ch.ListState), ch.Finished.UnixNano(), string(sum), ch.List)
	case cluster.ChangeEvent:
		body, err := json.Marshal(ch.Event)
		if err != nil {
			return err
		}
		return g.exec(sqlEvent, ch.Event.Run, ch.Event.Seq, ch.Event.Time.UnixNano(), ch.Event.Type, string(body))
	}
	return fmt.Errorf("unknown change type %d", ch.Type)
}

func (g *groupTx) insertList(ch *cluster.Change) error {
	run := runOf(ch.List)
	if err := g.exec(sqlInsertList, ch.List, run, ch.Kind, ch.Created.UnixNano(), int64(ch.Timeout), ch.Limit,
		ch.Workers, ch.FirstJob, len(ch.Inputs)); err != nil {
		return err
	}
	if err := g.insertInputs(ch); err != nil {
		return err
	}
	return g.exec(sqlNextJob, ch.FirstJob+int64(len(ch.Inputs)))
}

// endArgs are a job ending's values for the columns of endColumns.
func endArgs(ch *cluster.Change) []any {
	t := ch.Try
	var started, finished, dur, outcome any
	if t.Outcome != "" {
		started, dur, outcome = t.StartedAt.UnixNano(), t.DurationMS, string(t.Outcome)
		if t.FinishedAt != nil {
			finished = t.FinishedAt.UnixNano()
		}
	}
	if finished == nil && ch.State != cluster.JobRunning {
		finished = time.Now().UnixNano() // canceled while queued: it ended now
	}
	return []any{ch.Job, "", string(ch.State), nullRaw(ch.Result), nullString(ch.Error), nullRaw(ch.ErrData),
		t.Worker, t.PID, t.Host, ch.Attempts, started, finished, dur, outcome}
}

func (g *groupTx) insertTry(job int64, n int, t cluster.Try) error {
	var finished any
	if t.FinishedAt != nil {
		finished = t.FinishedAt.UnixNano()
	}
	return g.exec(sqlTry, job, n, t.Worker, t.PID, t.Host, t.StartedAt.UnixNano(), finished, t.DurationMS,
		string(t.Outcome))
}

// runOf is the run a list id starts with: ids are RUN-N.
func runOf(list string) string {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i] == '-' {
			return list[:i]
		}
	}
	return list
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullRaw(v json.RawMessage) any {
	if v == nil {
		return nil
	}
	return string(v)
}

func changeName(t cluster.ChangeType) string {
	names := [...]string{"", "list", "job start", "job end", "lost attempt", "list end", "event"}
	if int(t) < len(names) {
		return names[t]
	}
	return "change"
}
