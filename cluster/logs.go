package cluster

import "fmt"

// LogQuery selects kept output lines for Cluster.Logs.
type LogQuery struct {
	// Worker is a worker's id (a live one, or one of the last workers that exited);
	// 0 asks for the pool's lines, every worker's interleaved.
	Worker int
	// Since returns only lines whose Seq is greater: the last seq a reader saw.
	Since uint64
	// Stream is StreamStdout, StreamStderr or "" for both.
	Stream string
	// Limit returns at most the newest Limit lines; 0 returns every kept one.
	Limit int
}

// LogPage is the answer to a LogQuery.
type LogPage struct {
	Lines []LogLine `json:"lines"`
	// LastSeq is the seq of the newest line of any worker: the Since of the next
	// query, even when this one matched nothing.
	LastSeq uint64 `json:"last_seq"`
	// Missed says lines after Since were already dropped from the kept ones (the
	// reader fell behind by more than Options.LogLines).
	Missed bool `json:"missed"`
	// Dropped counts lines printed since the pool started that did not fit the
	// coalesced worker.log events. Most are kept all the same; those printed
	// beyond 2 MiB a second by one stream are only counted.
	Dropped uint64 `json:"dropped"`
}

// Logs returns the kept output lines of one worker or of the pool. An unknown
// worker (or one whose lines were forgotten) is ErrNotFound; a bad stream
// ErrInvalid. With Options.LogLines negative, nothing is kept.
func (c *Cluster) Logs(q LogQuery) (LogPage, error) {
	if q.Stream != "" && q.Stream != StreamStdout && q.Stream != StreamStderr {
		return LogPage{}, fmt.Errorf("%w: stream %q: want stdout, stderr or nothing for both", ErrInvalid, q.Stream)
	}
	s := c.logs
	s.mu.Lock()
	defer s.mu.Unlock()
	buf := &s.pool
	if q.Worker != 0 {
		if buf = s.workers[q.Worker]; buf == nil {
			return LogPage{}, fmt.Errorf("%w: no output kept for worker %d", ErrNotFound, q.Worker)
		}
	}
	page := LogPage{Lines: buf.since(q.Since, q.Stream, q.Limit), LastSeq: s.seq, Dropped: s.dropped}
	if page.Lines == nil {
		page.Lines = []LogLine{}
	}
	page.Missed = q.Since < buf.evicted
	return page, nil
}
