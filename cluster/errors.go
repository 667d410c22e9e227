package cluster

import "errors"

// Sentinel errors. Callers classify failures with errors.Is; the wrapped message says
// what exactly was wrong, in words a person can act on.
var (
	// ErrInvalid marks bad input: an unknown kind, an input out of range, a pool size
	// outside 0..MaxWorkers, an empty or oversized list.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound marks an unknown worker or job-list id.
	ErrNotFound = errors.New("not found")
	// ErrQueueFull is returned by Submit when the queue cannot take the list now.
	ErrQueueFull = errors.New("queue full")
	// ErrWorkerRole is returned by Start in a worker: a worker must not fork a pool.
	ErrWorkerRole = errors.New("this process is a worker")
	// ErrPlainPrograms is returned by Submit, Worker.Send and Worker.Crash in a pool
	// of plain programs (Options.Protocol ProtocolNone): they have no IPC channel.
	ErrPlainPrograms = errors.New("this pool runs plain programs (-protocol none)")
	// ErrProtocol marks a worker that broke the wire protocol.
	ErrProtocol = errors.New("protocol error")
)

// ErrUnknownKind marks a list of a kind no worker of the pool serves; the message
// names the kinds served. Such errors match ErrInvalid too.
var ErrUnknownKind = errors.New("unknown job kind")

// kindError is an unknown-kind error: it matches ErrUnknownKind and ErrInvalid.
type kindError struct{ msg string }

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Is(target error) bool { return target == ErrUnknownKind || target == ErrInvalid }
