package cluster

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// Options configure a Cluster. The zero value is usable: every field documents its
// default.
type Options struct {
	// Workers is the initial pool size. Default: runtime.NumCPU(). Use -1 for none.
	Workers int
	// MaxWorkers bounds Scale. Default: max(64, 4×NumCPU).
	MaxWorkers int

	// Exec and Args run another executable as the worker instead of this one (Node's
	// setupPrimary({exec, args})). It must speak the protocol documented in the package.
	// Default: os.Executable() with this process's arguments.
	Exec string
	Args []string
	// Listen, if set, is a TCP address the primary opens before forking and shares
	// with every worker (see Cluster.Listen).
	Listen string
	// Balance is how shared servers spread connections over workers: BalanceOS,
	// BalanceRR or BalanceSticky. Default DefaultBalance (rr, as Node on Linux).
	Balance Balance
	// Protocol is whether workers speak the wire protocol: ProtocolGocluster (the
	// default) or ProtocolNone, plain programs that know nothing of gocluster (a
	// web server, a script): no IPC channel, no jobs or messages (ErrPlainPrograms);
	// fork, exit events, restarts, scaling, kills, rolling restarts and output
	// capture work as for any worker. A plain worker is online once started, and
	// gets the pool's own server by systemd socket activation (see the package doc).
	Protocol Protocol
	// PortBase, if positive, gives each worker PORT=PortBase+i in its environment,
	// i its instance (0 for the first slot, then 1, …; a slot keeps its instance),
	// like PM2's increment_var: for programs that cannot take a socket. A plain
	// worker with a PORT is ready when 127.0.0.1:PORT accepts a connection. Two
	// workers cannot bind one PORT, so Restart stops such a worker before it starts
	// its replacement.
	PortBase int
	// ReadyDelay, if positive, counts a worker ready this long after it came online
	// when nothing said so sooner (see Cluster.Restart for what ready means).
	ReadyDelay time.Duration
	// StartTimeout, if positive, bounds the time from fork to ready: a worker that
	// takes longer is a failed start (a worker.error event, the kill, and the
	// restart policy's backoff), never starting for good. Default: none.
	StartTimeout time.Duration
	// DrainTimeout bounds how long a worker that Restart replaced may take to finish
	// what it serves (its requests, its job) and exit before it is killed. Default:
	// StopTimeout.
	DrainTimeout time.Duration
	// Dir is the workers' working directory (Node's settings.cwd). Default: the
	// primary's.
	Dir string
	// Credential runs workers as another user and group (Node's settings.uid and
	// gid); the primary needs the privilege to do so. Default: the primary's.
	Credential *syscall.Credential
	// Env is added to the worker's environment (which otherwise is this process's).
	Env []string
	// GOMAXPROCS for workers. Default 1: one worker per core, like a Node process.
	// Negative leaves the variable as inherited.
	GOMAXPROCS int
	// Standby is how many spare processes of this executable the pool keeps
	// started and initialised, waiting to become workers (like Apache's spare
	// servers): a fork, a restart or a scale that finds one sends it an id over
	// IPC instead of starting a process, which skips the exec, the Go runtime's
	// start and every package's init. Spares are refilled in the background once
	// forking calmed down. They are used only where the worker is this executable
	// speaking the protocol with the pool's own environment: not with Exec, not
	// for ProtocolNone, not for Fork(env) with env. They do not count against
	// MaxWorkers, appear in no worker list (PoolInfo.Standby counts the ready
	// ones), are killed by Close and, like workers, die with the primary. The
	// worker's main must ask IsWorker (or WorkerID, Join, RunWorker) before
	// anything else, since that is where a spare waits. Default 0: none.
	Standby int

	// Silent drops workers' stdout and stderr; otherwise each line reaches Output
	// prefixed with "[worker N] " (stdout) or "[worker N stderr] " (stderr). A last
	// line without a newline is written when the worker exits.
	Silent bool
	// Output receives workers' prefixed output. Default: os.Stderr.
	Output io.Writer
	// LogLines is how many of the newest output lines are kept for Cluster.Logs
	// per worker (also for the last workers that exited) and for the pool, and
	// turned into coalesced worker.log events. Default 1000; negative keeps none,
	// and so does Silent.
	LogLines int
	// Logger receives the pool's own log lines. Default: slog.Default().
	Logger *slog.Logger

	// MaxFrame is the largest IPC frame accepted from a worker. Default 1 MiB.
	MaxFrame int
	// SendQueueLimit bounds the bytes queued to one worker that has not read them.
	// Default 64 MiB.
	SendQueueLimit int

	// Restart is the restart policy for workers that exit unexpectedly.
	Restart RestartPolicy
	// Clock drives every timer of the pool. Default: the real clock.
	Clock Clock
	// RunID names this run of the primary. Events carry it (Event.Run), the pool
	// shows it (PoolInfo.Run), and job-list ids start with it, so that a client of
	// an earlier run can tell it is talking to a new one (a restart loses the
	// events and lists). Default: generated at Start from the start time and 4
	// random hex characters, e.g. "mj3k9x2a-1b2c"; it sorts by start time. Set it
	// only to restore a run's identity; it must differ between runs.
	RunID string
	// HostName names the primary's own host in events, WorkerInfo.Host and
	// Cluster.Hosts (remote hosts join with AddHost). Default: the machine's
	// host name with characters other than letters, digits, '-' and '_' made '-'.
	HostName  string
	startedAt time.Time // set by Start: when the local host joined
	// EventHistory is how many recent events are kept for SubscribeSince and
	// EventsSince. Default 4096.
	EventHistory int
	// OnMessage, if set, is called for each message a worker sends, in order, on the
	// pool's goroutine: it must return quickly, and must not modify msg (identical
	// messages in a row may share their bytes). Messages are also worker.message
	// events unless QuietMessages is set.
	OnMessage func(from WorkerInfo, msg json.RawMessage)
	// OnHandle, if set, is called for each message a worker sends with a handle
	// (Member.Send's handle: an *os.File, net.Conn or net.Listener), on the pool's
	// goroutine; it owns h and must close it. Unset, such handles are closed.
	OnHandle func(from WorkerInfo, msg json.RawMessage, h any)
	// OnSetup, if set, is called once by Start with the settings the pool runs
	// with (defaults filled in), before the first fork: Node's 'setup' event.
	OnSetup func(settings Options)
	// QuietMessages stops worker.message events (for chatty workers, e.g. one
	// message per HTTP request); OnMessage still sees every message.
	QuietMessages bool
	// StopTimeout is how long a disconnecting worker may take to finish its job and
	// exit before it is killed. Default 10s.
	StopTimeout time.Duration

	Jobs JobOptions

	// Store, if set, keeps lists, jobs, their attempts and events durable across
	// runs (package store): Start resumes the lists an earlier run left
	// unfinished, and lists the pool no longer holds are read from it. Default:
	// none, everything lives in memory only.
	Store Store
}

// JobOptions configure the job queue.
type JobOptions struct {
	// Registry holds the job kinds accepted by Submit. Default: jobs.Builtin().
	Registry *jobs.Registry
	// Prefetch is how many jobs a worker may hold at once. 0 (the default) adapts it
	// per worker, from 1 to 128, to its recent job durations against the IPC round
	// trip: 1 for long jobs, so a slow job never holds another behind it, more for
	// tiny ones, so they are not bound by one round trip each (window.go). N > 0 fixes
	// it at N: 1 is one job at a time whatever the jobs.
	Prefetch int
	// Timeout is each job's default deadline, overridable per list. Default 60s.
	Timeout time.Duration
	// MaxAttempts is how often a job is tried when its worker dies. Default 3.
	MaxAttempts int
	// MaxPerBatch bounds the jobs in one list. Default 1,000,000.
	MaxPerBatch int
	// MaxQueued bounds the jobs waiting across all lists. Default 2,000,000.
	MaxQueued int
	// MaxQueuedBytes bounds the estimated memory of the lists not yet ended (about
	// 1.5 KB a list and 120 bytes a job), so that many small lists cannot use more
	// than MaxQueued alone would suggest. Default 512 MiB.
	MaxQueuedBytes int64
	// History is how many finished lists are kept. Default 100.
	History int
	// HistoryJobs bounds the jobs kept in finished lists. Default 2,000,000.
	HistoryJobs int
	// PerJobEvents is the largest list whose jobs each get job.* events; larger
	// lists only get coalesced batch.progress events. Default 1000.
	PerJobEvents int
	// ProgressInterval is the least time between two batch.progress events of one
	// list. Default 100ms.
	ProgressInterval time.Duration
	// MaxValueBytes bounds each job input (Submit refuses a list with a bigger one,
	// naming it) and each result (a bigger one fails its job; the worker lives on).
	// Workers learn it from GOCLUSTER_MAX_JOB_BYTES. Default DefaultMaxValueBytes
	// (64 KiB); it is lowered to leave room for the frame around the value within
	// Options.MaxFrame.
	MaxValueBytes int
}

func (o Options) withDefaults() Options {
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Workers < 0 {
		o.Workers = 0
	}
	if o.MaxWorkers <= 0 {
		o.MaxWorkers = max(64, 4*runtime.NumCPU())
	}
	if o.Balance == "" {
		o.Balance = DefaultBalance
	}
	if o.GOMAXPROCS == 0 {
		o.GOMAXPROCS = 1
	}
	if o.Output == nil {
		o.Output = os.Stderr
	}
	if o.LogLines == 0 {
		o.LogLines = 1000
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxFrame <= 0 {
		o.MaxFrame = DefaultMaxFrame
	}
	if o.SendQueueLimit <= 0 {
		o.SendQueueLimit = 64 << 20
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.HostName == "" {
		o.HostName = DefaultHostName()
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 10 * time.Second
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = o.StopTimeout
	}
	if o.Protocol == "" {
		o.Protocol = ProtocolGocluster
	}
	if o.RunID == "" {
		o.RunID = newRunID(time.Now())
	}
	o.Restart = o.Restart.withDefaults()
	o.Jobs = o.Jobs.withDefaults()
	o.Jobs.MaxValueBytes = min(o.Jobs.MaxValueBytes, max(o.MaxFrame-frameOverhead, 1))
	return o
}

func (j JobOptions) withDefaults() JobOptions {
	if j.Registry == nil {
		j.Registry = jobs.Builtin()
	}
	j.Prefetch = max(j.Prefetch, 0) // 0: adaptive
	j.Timeout = cmpOr(j.Timeout, time.Minute)
	j.MaxAttempts = cmpOr(j.MaxAttempts, 3)
	j.MaxPerBatch = cmpOr(j.MaxPerBatch, 1_000_000)
	j.MaxQueued = cmpOr(j.MaxQueued, 2_000_000)
	j.MaxQueuedBytes = cmpOr(j.MaxQueuedBytes, 512<<20)
	j.History = cmpOr(j.History, 100)
	j.HistoryJobs = cmpOr(j.HistoryJobs, 2_000_000)
	j.PerJobEvents = cmpOr(j.PerJobEvents, 1000)
	j.ProgressInterval = cmpOr(j.ProgressInterval, 100*time.Millisecond)
	j.MaxValueBytes = cmpOr(j.MaxValueBytes, DefaultMaxValueBytes)
	return j
}

// cmpOr is cmp.Or for values where negative also means "unset".
func cmpOr[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
