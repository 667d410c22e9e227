package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrStorage is returned by Submit while the pool's Store cannot write (a full
// disk, an I/O error): the list is refused rather than accepted and then lost. The
// pool keeps serving what it holds.
var ErrStorage = errors.New("storage unavailable")

// Store keeps the pool's history durable (package store implements it with an
// embedded SQLite database). The pool calls Begin once at Start, Record on its own
// goroutine for every change of a list or job, and the read methods for lists it no
// longer holds in memory. Record must not block: a store queues changes and writes
// them in groups, and Flush waits until what was recorded before it is durable.
type Store interface {
	// Begin records the start of run and returns what earlier runs left unfinished,
	// to be resumed, and the first job id this run may use.
	Begin(run RunInfo) (Resume, error)
	// Record queues one change.
	Record(ch Change)
	// Flush returns once every change recorded before it was written, or ctx
	// ended, or the store failed (that error).
	Flush(ctx context.Context) error
	// Err is the store's write failure, nil while it writes.
	Err() error
	// Batch reads one list with the jobs [offset, offset+limit); an unknown id
	// gives an error wrapping ErrNotFound.
	Batch(id string, offset, limit int) (BatchInfo, error)
	// Batches lists lists, newest first, as f says.
	Batches(f BatchFilter) ([]BatchInfo, error)
}

// RunInfo names one run of the primary for a Store.
type RunInfo struct {
	ID      string
	Started time.Time
}

// Resume is what a Store hands Start: the lists to resume, oldest first, each with
// every job, and the first job id free for this run. A try still running when its
// primary died may carry, as FinishedAt, the last moment the store knew that
// primary alive: Start ends the try there (outcome primary_lost), so its duration
// leaves out the downtime; without it, the try ends at the restart.
type Resume struct {
	Lists   []SavedList
	NextJob int64
}

// SavedList is an unfinished list as a Store kept it; Limit is its
// BatchOptions.Workers.
type SavedList struct {
	Info  BatchInfo
	Limit int
}

// BatchFilter selects lists for Batches: by state, kind and run (empty: any), older
// than Before (a list id; empty: from the newest), at most Limit of them.
type BatchFilter struct {
	State  BatchState
	Kind   string
	Run    string
	Before string
	Limit  int
	// Held, if set, says which lists the pool holds in memory (Cluster.History
	// sets it): a Store need not count their jobs, since the pool shows those lists
	// as they stand, and counting a big running list's jobs is costly.
	Held func(id string) bool
}

// ChangeType says what a Change records.
type ChangeType uint8

// Change types: a list created (with its inputs), a job started, a job ended, an
// attempt lost (the job queued again), a list ended, an event.
const (
	ChangeList ChangeType = iota + 1
	ChangeStart
	ChangeEnd
	ChangeLost
	ChangeListEnd
	ChangeEvent
)

// Change is one thing a Store writes. Fields that do not apply to its Type are
// zero. Its slices are the pool's and never change after Record: a store may keep
// them until written.
type Change struct {
	Type ChangeType
	List string
	// ChangeList: Kind, Created, Timeout, Limit, Workers (the list's
	// Summary.Workers), FirstJob (the jobs' ids are FirstJob, FirstJob+1, …) and
	// Inputs.
	Kind     string
	Created  time.Time
	Timeout  time.Duration
	Limit    int
	Workers  int
	FirstJob int64
	Inputs   []json.RawMessage
	// ChangeStart, ChangeEnd, ChangeLost: the job; Try is its latest attempt (for
	// ChangeLost, the one lost).
	Job      int64
	State    JobState
	Result   json.RawMessage
	Error    string
	ErrData  json.RawMessage
	Attempts int
	Try      Try
	// ChangeListEnd: the list's end state and summary.
	ListState BatchState
	Finished  time.Time
	Summary   *BatchSummary
	// ChangeEvent: the event.
	Event *Event
}
