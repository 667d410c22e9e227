package cluster

import (
	"sort"
	"sync"
	"time"
)

// Bounds of the kept output beyond Options.LogLines: bytes of text per worker and
// for the pool, and how many exited workers keep their lines.
const (
	logWorkerBytes = 512 << 10
	logPoolBytes   = 4 << 20
	logKeepExited  = 16
)

// Bounds of the coalesced worker.log events: one event per worker that printed,
// at most every logEventInterval, with at most logEventLines lines and
// logEventBytes of text. What does not fit is counted as dropped (the lines stay
// in the rings for Logs): a worker printing 50 MB/s costs subscribers a few
// events a second, never its whole output.
const (
	logEventInterval = 250 * time.Millisecond
	logEventLines    = 100
	logEventBytes    = 16 << 10
)

// logStore keeps the workers' recent output and turns it into coalesced events.
// The writers of every worker's streams add to it; its own lock guards it, so the
// pool goroutine never waits for output and output never waits for the pool.
type logStore struct {
	mu       sync.Mutex
	maxLines int
	now      func() time.Time
	publish  func(Event)
	seq      uint64
	pool     logBuf
	workers  map[int]*logBuf
	exited   []int // workers that exited, oldest first, whose lines are still kept
	dropped  uint64
	pending  map[int]*pendingLog
	timer    *time.Timer
	closed   bool
}

// pendingLog is what a worker printed since the last worker.log event about it.
type pendingLog struct {
	lines   []LogLine
	bytes   int
	dropped int64
}

func newLogStore(maxLines int, now func() time.Time, publish func(Event)) *logStore {
	return &logStore{maxLines: maxLines, now: now, publish: publish, workers: map[int]*logBuf{},
		pending: map[int]*pendingLog{}}
}

// register makes a worker known before it printed anything, so that asking for
// its lines answers an empty list rather than "not found".
func (s *logStore) register(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workers[id] == nil {
		s.workers[id] = &logBuf{}
	}
}

// exit marks a worker gone: its lines stay until logKeepExited later exits.
func (s *logStore) exit(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exited = append(s.exited, id)
	if len(s.exited) > logKeepExited {
		delete(s.workers, s.exited[0])
		s.exited = s.exited[1:]
	}
}

// add keeps pieces of one worker's stream, each a line's text and whether it
// ended without a newline, all stamped with the same time, and counts skipped
// lines (over the capture rate) as dropped.
func (s *logStore) add(id int, stream string, pieces []logPiece, skipped int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	w := s.workers[id]
	if w == nil {
		w = &logBuf{}
		s.workers[id] = w
	}
	p := s.pending[id]
	if p == nil {
		p = &pendingLog{}
		s.pending[id] = p
	}
	for _, pc := range pieces {
		s.seq++
		l := LogLine{Seq: s.seq, Worker: id, Stream: stream, Time: now, Text: pc.text, Partial: pc.partial}
		w.add(l, s.maxLines, logWorkerBytes)
		s.pool.add(l, s.maxLines, logPoolBytes)
		if len(p.lines) < logEventLines && p.bytes+len(l.Text) <= logEventBytes {
			p.lines = append(p.lines, l)
			p.bytes += len(l.Text)
		} else {
			p.dropped++
			s.dropped++
		}
	}
	p.dropped += skipped
	s.dropped += uint64(skipped)
	if s.timer == nil && !s.closed {
		s.timer = time.AfterFunc(logEventInterval, s.flush)
	}
}

// flush publishes one worker.log event per worker that printed since the last.
func (s *logStore) flush() {
	s.mu.Lock()
	pending := s.pending
	s.pending = map[int]*pendingLog{}
	s.timer = nil
	s.mu.Unlock()
	ids := make([]int, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		p := pending[id]
		if len(p.lines) == 0 && p.dropped == 0 {
			continue
		}
		s.publish(Event{Type: EventLog, Worker: id, Lines: p.lines, Dropped: p.dropped})
	}
}

// close stops the coalescing timer and publishes what is pending, so the last
// lines before a shutdown still reach subscribers.
func (s *logStore) close() {
	s.mu.Lock()
	s.closed = true
	stopped := s.timer != nil && s.timer.Stop()
	s.mu.Unlock()
	if stopped {
		s.flush()
	}
}
