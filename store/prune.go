package store

import (
	"database/sql"
	"sync"
	"time"
)

// pruneEvery is how often the pruner looks for history past Retain; each pass
// deletes at most pruneLists lists per transaction, so the writer never waits long.
const (
	pruneEvery = time.Minute
	pruneLists = 20
)

// pruner deletes history past Retain in the background, in small transactions.
type pruner struct {
	db     *sql.DB
	r      Retain
	quit   chan struct{}
	exited chan struct{}
	once   sync.Once
	swept  bool // the loop's own
}

func startPruner(db *sql.DB, r Retain) *pruner {
	p := &pruner{db: db, r: r, quit: make(chan struct{}), exited: make(chan struct{})}
	go p.loop()
	return p
}

func (p *pruner) loop() {
	defer close(p.exited)
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		p.pass()
		select {
		case <-t.C:
		case <-p.quit:
			return
		}
	}
}

// pass prunes until nothing is left past Retain or the pruner is stopped; the
// first pass also sweeps orphaned chunks.
func (p *pruner) pass() {
	if !p.swept {
		p.swept = true
		p.sweepOrphans()
	}
	for {
		select {
		case <-p.quit:
			return
		default:
		}
		n, err := p.pruneSome()
		if err != nil || n < pruneLists {
			break
		}
	}
	p.pruneEvents()
}

// pruneSome deletes up to pruneLists finished lists past Retain, oldest first.
func (p *pruner) pruneSome() (int, error) {
	cutoff := int64(-1) << 62
	if p.r.Age > 0 {
		cutoff = time.Now().Add(-p.r.Age).UnixNano()
	}
	keep := int64(1) << 62
	if p.r.Lists > 0 {
		keep = int64(p.r.Lists)
	}
	rows, err := p.db.Query(`SELECT seq, id, first_job, total FROM lists WHERE state != 'running' AND
		(finished_at < ? OR seq <= (SELECT seq FROM lists WHERE state != 'running' ORDER BY seq DESC LIMIT 1 OFFSET ?))
		ORDER BY seq LIMIT ?`, cutoff, keep, pruneLists)
	if err != nil {
		return 0, err
	}
	type span struct {
		seq, first, total int64
		id                string
	}
	var spans []span
	for rows.Next() {
		var s span
		if err := rows.Scan(&s.seq, &s.id, &s.first, &s.total); err != nil {
			rows.Close()
			return 0, err
		}
		spans = append(spans, s)
	}
	rows.Close()
	for _, s := range spans {
		if err := p.deleteList(s.seq, s.id, s.first, s.total); err != nil {
			return 0, err
		}
	}
	return len(spans), nil
}

// deleteList deletes one list, then its rows of chunks, pruneChunkRows per
// transaction, and the jobs and attempts schema 1 wrote for it, pruneChunk jobs per
// transaction: a million-job list never holds the writer up for long. The list
// goes first, so no reader sees it half deleted.
func (p *pruner) deleteList(seq int64, id string, first, total int64) error {
	if _, err := p.db.Exec("DELETE FROM lists WHERE seq = ?", seq); err != nil {
		return err
	}
	if err := p.deleteChunks(id); err != nil {
		return err
	}
	last := first + total - 1
	for from := first; from <= last; from += pruneChunk {
		to := min(from+pruneChunk-1, last)
		if err := p.deleteJobs(from, to); err != nil {
			return err
		}
	}
	return nil
}

// deleteChunks deletes a list's rows of chunks, pruneChunkRows per transaction.
func (p *pruner) deleteChunks(list string) error {
	for {
		res, err := p.db.Exec(`DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE list = ? LIMIT ?)`,
			list, pruneChunkRows)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n < pruneChunkRows {
			return nil
		}
	}
}

// sweepOrphans deletes the chunks of lists that are gone: deleteList deletes a
// list's row first, so a crash before its chunks went leaves rows nothing else
// would delete. It runs once per start, in the first pass: the orphans are found
// by a read (which never holds up the writer), then deleted as deleteList does.
func (p *pruner) sweepOrphans() {
	rows, err := p.db.Query(`SELECT DISTINCT list FROM chunks WHERE list NOT IN (SELECT id FROM lists)`)
	if err != nil {
		return
	}
	var gone []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			gone = append(gone, id)
		}
	}
	rows.Close()
	for _, id := range gone {
		select {
		case <-p.quit:
			return
		default:
		}
		if p.deleteChunks(id) != nil {
			return
		}
	}
}

// pruneChunk is how many jobs, and pruneChunkRows how many rows of chunks (each
// one group's records of a list: up to 4096 jobs), one pruning transaction deletes.
const (
	pruneChunk     = 5000
	pruneChunkRows = 8
)

func (p *pruner) deleteJobs(from, to int64) error {
	tx, err := p.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{"DELETE FROM attempts WHERE job BETWEEN ? AND ?", "DELETE FROM jobs WHERE id BETWEEN ? AND ?"} {
		if _, err := tx.Exec(q, from, to); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// pruneEvents deletes the events past the newest Retain.Events.
func (p *pruner) pruneEvents() {
	if p.r.Events < 0 {
		return
	}
	p.db.Exec(`DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)`, p.r.Events)
}

func (p *pruner) stop() {
	p.once.Do(func() { close(p.quit) })
	<-p.exited
}
