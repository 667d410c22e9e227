package store

import (
	"strings"

	"github.com/gocluster/gocluster/cluster"
)

// Rows per multi-row statement: one statement per row would spend most of a tiny
// job's write in database/sql's per-call work.
const (
	inputRows = 256 // 2 parameters each
	endRows   = 64  // 14 parameters each
)

const endColumns = `id, input, state, result, error, error_data, worker, pid, host, attempts, started_at,
	finished_at, duration_ms, outcome`

// sqlEnds is the upsert of n job endings: every job row exists (its list's insert
// came first), so each row updates it; input is not touched.
func sqlEnds(n int) string {
	return "INSERT INTO jobs(" + endColumns + ") VALUES " + placeholders(n, 14) +
		` ON CONFLICT(id) DO UPDATE SET state = excluded.state, result = excluded.result, error = excluded.error,
		error_data = excluded.error_data, worker = excluded.worker, pid = excluded.pid, host = excluded.host,
		attempts = excluded.attempts, started_at = excluded.started_at, finished_at = excluded.finished_at,
		duration_ms = excluded.duration_ms, outcome = excluded.outcome`
}

func sqlInputs(n int) string {
	return "INSERT OR IGNORE INTO jobs(id, input) VALUES " + placeholders(n, 2)
}

// placeholders is "(?, ?), (?, ?)" for rows of cols.
func placeholders(rows, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
}

// insertInputs writes a list's job rows, inputRows per statement.
func (g *groupTx) insertInputs(ch *cluster.Change) error {
	args := make([]any, 0, 2*inputRows)
	for i := 0; i < len(ch.Inputs); i += inputRows {
		part := ch.Inputs[i:min(i+inputRows, len(ch.Inputs))]
		args = args[:0]
		for k, in := range part {
			args = append(args, ch.FirstJob+int64(i+k), string(in))
		}
		if err := g.exec(sqlInputs(len(part)), args...); err != nil {
			return err
		}
	}
	return nil
}

// endBuffer gathers consecutive job endings for one multi-row upsert.
type endBuffer struct {
	args []any
	n    int
}

func (g *groupTx) bufferEnd(ch *cluster.Change) error {
	g.ends.args = append(g.ends.args, endArgs(ch)...)
	g.ends.n++
	if g.ends.n == endRows {
		return g.flushEnds()
	}
	return nil
}

// flushEnds writes the gathered endings; it runs before any other change, so
// every job's changes are written in the order they happened.
func (g *groupTx) flushEnds() error {
	if g.ends.n == 0 {
		return nil
	}
	err := g.exec(sqlEnds(g.ends.n), g.ends.args...)
	g.ends.args, g.ends.n = g.ends.args[:0], 0
	return err
}
