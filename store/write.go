package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// SQL of the writes, one per change type; a group's job changes go to chunks.
const (
	sqlInsertList = `INSERT OR IGNORE INTO lists(id, run, kind, state, created_at, timeout_ns, lim, workers,
		first_job, total, inputs) VALUES(?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`
	sqlNextJob = `UPDATE meta SET value = max(value, ?) WHERE key = 'next_job'`
	sqlChunk   = `INSERT INTO chunks(list, body) VALUES(?, ?)`
	sqlListEnd = `UPDATE lists SET state = ?, finished_at = ?, summary = ? WHERE id = ?`
	sqlEvent   = `INSERT INTO events(run, seq, time, type, body) VALUES(?, ?, ?, ?, ?)`
	sqlAlive   = `UPDATE runs SET alive_at = ? WHERE id = ?`
)

// groupTx is one group's transaction with its statements prepared once.
type groupTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
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

// writeGroup writes a sealed group in one transaction: all of it or nothing. The
// job changes of each list are one row of chunks (see codec.go), so a group
// costs a few rows, not one per job. With run set, the run's alive_at becomes now.
func writeGroup(db *sql.DB, grp *group, run string, now time.Time) error {
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	g := &groupTx{tx: tx, stmts: map[string]*sql.Stmt{}}
	err = grp.changes.each(func(i int, ch *cluster.Change) error {
		if err := g.apply(ch); err != nil {
			return fmt.Errorf("write %s of %s: %w", changeName(ch.Type), ch.List, err)
		}
		return nil
	})
	for _, r := range grp.rows {
		if err != nil {
			break
		}
		if err = g.exec(sqlChunk, r.list, r.body); err != nil {
			err = fmt.Errorf("write job records of %s: %w", r.list, err)
		}
	}
	if err == nil && run != "" {
		err = g.exec(sqlAlive, now.UnixNano(), run)
	}
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (g *groupTx) apply(ch *cluster.Change) error {
	switch ch.Type {
	case cluster.ChangeList:
		return g.insertList(ch)
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
	if err := g.exec(sqlInsertList, ch.List, runOf(ch.List), ch.Kind, ch.Created.UnixNano(), int64(ch.Timeout),
		ch.Limit, ch.Workers, ch.FirstJob, len(ch.Inputs), encodeInputs(ch.Inputs)); err != nil {
		return err
	}
	return g.exec(sqlNextJob, ch.FirstJob+int64(len(ch.Inputs)))
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

func changeName(t cluster.ChangeType) string {
	names := [...]string{"", "list", "job start", "job end", "lost attempt", "list end", "event"}
	if int(t) < len(names) {
		return names[t]
	}
	return "change"
}
