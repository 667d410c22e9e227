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

// groupTx is one group's transaction with its statements prepared once, and the
// job records it gathers per list.
type groupTx struct {
	tx     *sql.Tx
	stmts  map[string]*sql.Stmt
	chunks map[string]*encoder
	order  []string // the lists of chunks, as they came
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

// writeGroup writes changes in one transaction: all of them or none. The job
// changes of each list become one row of chunks (see codec.go), so a group costs a
// few rows, not one per job. A job's start followed in the same group by a later
// change of that job is skipped: the later one says everything the start would.
// With run set, the run's alive_at becomes now.
func writeGroup(db *sql.DB, group changes, run string, now time.Time) error {
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	g := &groupTx{tx: tx, stmts: map[string]*sql.Stmt{}, chunks: map[string]*encoder{}}
	last := lastChangeOfJob(&group)
	err = group.each(func(i int, ch *cluster.Change) error {
		switch ch.Type {
		case cluster.ChangeStart:
			if last[ch.Job] == i {
				g.encode(ch)
			}
			return nil
		case cluster.ChangeEnd, cluster.ChangeLost:
			g.encode(ch)
			return nil
		}
		if err := g.apply(ch); err != nil {
			return fmt.Errorf("write %s of %s: %w", changeName(ch.Type), ch.List, err)
		}
		return nil
	})
	if err == nil {
		err = g.writeChunks()
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

// encode adds a job change to its list's chunk.
func (g *groupTx) encode(ch *cluster.Change) {
	e := g.chunks[ch.List]
	if e == nil {
		e = &encoder{}
		g.chunks[ch.List] = e
		g.order = append(g.order, ch.List)
	}
	e.add(ch)
}

// writeChunks writes one row of chunks per list the group's job changes touched.
func (g *groupTx) writeChunks() error {
	for _, list := range g.order {
		if err := g.exec(sqlChunk, list, g.chunks[list].buf); err != nil {
			return fmt.Errorf("write job records of %s: %w", list, err)
		}
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
