package cluster

import (
	"encoding/json"
	"time"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// KindInfo is one job kind the pool serves, as the first worker's hello frame
// declared it: {"name","doc","example"}.
type KindInfo = jobs.Info

// WorkerState is where a worker is in its life. The names follow Node's cluster and
// supervisord so learners recognise them.
type WorkerState string

// Worker states. A worker is starting from fork until its handshake arrives, idle or busy
// while it serves, stopping once it was asked to leave, and dead once it exited.
const (
	StateStarting WorkerState = "starting"
	StateIdle     WorkerState = "idle"
	StateBusy     WorkerState = "busy"
	StateStopping WorkerState = "stopping"
	StateDead     WorkerState = "dead"
)

// WorkerInfo is a snapshot of one worker, safe to keep and to marshal.
type WorkerInfo struct {
	ID        int         `json:"id"`
	PID       int         `json:"pid"`
	Slot      int         `json:"slot"`
	State     WorkerState `json:"state"`
	StartedAt time.Time   `json:"started_at"`
	JobsDone  int64       `json:"jobs_done"`
	Restarts  int         `json:"restarts"`
	// Replaces is the id of the worker this one took over from in its slot (0 for
	// the slot's first): a died worker's replacement says which one it replaced.
	Replaces   int     `json:"replaces,omitempty"`
	CurrentJob *JobRef `json:"current_job"`
	Listening  string  `json:"listening,omitempty"`
	// Ready: the worker serves (see Cluster.Restart); a rolling restart retires
	// its predecessor only then.
	Ready      bool    `json:"ready"`
	RSSBytes   int64   `json:"rss_bytes"`
	CPUPercent float64 `json:"cpu_percent"`
	// Host is the host the worker runs on: the primary's (Options.HostName) or
	// a remote one's (Cluster.AddHost).
	Host   string `json:"host"`
	remote bool   // on another host: no /proc figures here
}

// JobRef names the job a worker is running.
type JobRef struct {
	Batch string          `json:"batch"`
	Job   int64           `json:"job"`
	Kind  string          `json:"kind"`
	Input json.RawMessage `json:"input"`
}

// QueueInfo counts jobs waiting for a worker and jobs on a worker.
type QueueInfo struct {
	Pending int `json:"pending"`
	Running int `json:"running"`
}

// PoolInfo is a snapshot of the whole pool.
type PoolInfo struct {
	// Run names this run of the primary (Options.RunID).
	Run string `json:"run"`
	// Protocol is what the workers speak (Options.Protocol): "gocluster", or
	// "none" for plain programs, which take no jobs or messages.
	Protocol Protocol `json:"protocol"`
	Size     int      `json:"size"`
	Degraded bool     `json:"degraded"`
	// DegradedReason says which slots stopped restarting and why.
	DegradedReason string `json:"degraded_reason,omitempty"`
	// DegradedSlots lists the degraded slots, lowest first, with when each is tried
	// again.
	DegradedSlots []DegradedSlot `json:"degraded_slots,omitempty"`
	Workers       []WorkerInfo   `json:"workers"`
	// Waiting counts slots with no worker because MaxWorkers processes are alive,
	// some of them retiring: each forks when one of those exits.
	Waiting int       `json:"waiting,omitempty"`
	Queue   QueueInfo `json:"queue"`
	// Standby counts the standbys ready to become workers (Options.Standby).
	Standby  int    `json:"standby"`
	Restarts int    `json:"restarts"`
	JobsDone int64  `json:"jobs_done"`
	LastSeq  uint64 `json:"last_seq"`
}

// DegradedSlot is one slot that crash-looped.
type DegradedSlot struct {
	Slot   int    `json:"slot"`
	Reason string `json:"reason"`
	// RetryAt is when its cool-down ends and a worker is tried in it again. It is
	// nil while that worker is on probation (see Worker) and when the policy never
	// retries (RestartPolicy.DegradedCooldown < 0).
	RetryAt *time.Time `json:"retry_at,omitempty"`
	// Worker is the retried worker on probation: the slot recovers once it stayed
	// up RestartPolicy.StableAfter.
	Worker int `json:"worker,omitempty"`
}

// Health sums a pool up for a health check.
type Health string

// Health values: ok when no slot is degraded; degraded when some are but workers
// serve; down when slots are degraded and no worker is online to run jobs.
const (
	HealthOK       Health = "ok"
	HealthDegraded Health = "degraded"
	HealthDown     Health = "down"
)

// Health says whether the pool can serve: see the Health values. A pool scaled to 0
// on purpose is ok.
func (p PoolInfo) Health() Health {
	if len(p.DegradedSlots) == 0 && !p.Degraded {
		return HealthOK
	}
	for _, w := range p.Workers {
		if w.State == StateIdle || w.State == StateBusy {
			return HealthDegraded
		}
	}
	return HealthDown
}

// BatchState is the state of a job list.
type BatchState string

// Batch states: running until every job ended, then done; canceled if canceled first.
const (
	BatchRunning  BatchState = "running"
	BatchDone     BatchState = "done"
	BatchCanceled BatchState = "canceled"
)

// JobState is the state of one job. Every job ends in exactly one of done, failed or
// canceled.
type JobState string

// Job states.
const (
	JobQueued   JobState = "queued"
	JobRunning  JobState = "running"
	JobDone     JobState = "done"
	JobFailed   JobState = "failed"
	JobCanceled JobState = "canceled"
)

// JobInfo is a snapshot of one job.
//
// Input and Result are any JSON value; Result is null until the job is done. A
// failed job has Error and, if its worker sent some, ErrorData.
type JobInfo struct {
	ID        int64           `json:"id"`
	Input     json.RawMessage `json:"input"`
	State     JobState        `json:"state"`
	Result    json.RawMessage `json:"result"`
	Error     string          `json:"error,omitempty"`
	ErrorData json.RawMessage `json:"error_data,omitempty"`
	Worker    int             `json:"worker,omitempty"`
	PID       int             `json:"pid,omitempty"`
	// Host is the host of Worker: the primary's (Options.HostName) or an agent's.
	Host     string `json:"host,omitempty"`
	Attempts int    `json:"attempts"`
	// Tries lists every attempt, oldest first (Attempts counts them; one a store
	// resumed after the primary died adds a primary_lost try). It is nil when the
	// job's only attempt is the one its own fields describe (ended as its state
	// says, or running): a million-job list does not pay a Try for each. AllTries
	// and the JSON always give the whole list.
	Tries      []Try      `json:"tries"`
	QueuedAt   time.Time  `json:"queued_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	DurationMS float64    `json:"duration_ms"`
}

// BatchSummary holds the numbers a teacher points at: how many jobs ended how, the wall
// time of the list, the summed time of its jobs, and the speedup.
//
// Speedup is measured, never estimated: the wall time of the same list (same kind,
// same inputs) run on one worker divided by this list's wall time; nil while the list
// runs or until such a baseline exists (see BatchOptions.Workers). Summed job time ÷
// wall is Parallelism: it counts overlap, which on an oversubscribed machine (more
// busy workers than CPUs) grows while the list gets no faster.
type BatchSummary struct {
	Total       int      `json:"total"`
	Queued      int      `json:"queued"`
	Running     int      `json:"running"`
	Done        int      `json:"done"`
	Failed      int      `json:"failed"`
	Canceled    int      `json:"canceled"`
	WallMS      float64  `json:"wall_ms"`
	WorkMS      float64  `json:"work_ms"`
	Speedup     *float64 `json:"speedup"`
	Parallelism float64  `json:"parallelism"`
	// BaselineMS is the wall time of the one-worker run Speedup divides by.
	BaselineMS *float64 `json:"baseline_ms"`
	// Workers is how many jobs of the list could run at once (the pool size when it
	// was created, or BatchOptions.Workers if smaller); CPUs the primary's CPU count.
	Workers int `json:"workers"`
	CPUs    int `json:"cpus"`
	// MaxJobMS is the longest job: no number of workers ends the list sooner.
	MaxJobMS float64 `json:"max_job_ms"`
}

// BatchInfo is a snapshot of one job list. Jobs is nil in list views.
type BatchInfo struct {
	ID         string       `json:"id"`
	Kind       string       `json:"kind"`
	State      BatchState   `json:"state"`
	CreatedAt  time.Time    `json:"created_at"`
	FinishedAt *time.Time   `json:"finished_at"`
	Timeout    Duration     `json:"timeout"`
	Jobs       []JobInfo    `json:"jobs,omitempty"`
	Summary    BatchSummary `json:"summary"`
}

// Duration marshals as a Go duration string ("60s") so JSON stays readable.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1m0s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads what MarshalJSON writes, so Go clients can decode the API.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Event types. Worker events come in this order for one worker: fork, online,
// listening, message..., disconnect, exit. Error may come at any point.
const (
	EventFork          = "worker.fork"
	EventOnline        = "worker.online"
	EventListening     = "worker.listening"
	EventMessage       = "worker.message"
	EventDisconnect    = "worker.disconnect"
	EventExit          = "worker.exit"
	EventError         = "worker.error"
	EventLog           = "worker.log" // coalesced output lines: Lines, Dropped
	EventScale         = "pool.scale"
	EventDegraded      = "pool.degraded"
	EventRestart       = "pool.restart"
	EventRecovered     = "pool.recovered"
	EventBatchCreated  = "batch.created"
	EventJobStarted    = "job.started"
	EventJobDone       = "job.done"
	EventJobFailed     = "job.failed"
	EventBatchProgress = "batch.progress"
	EventBatchDone     = "batch.done"
)

// Event is one thing that happened in the pool. Seq grows by one per event pool-wide,
// so a subscriber that saw seq N and then N+2 knows it missed one. Fields that do not
// apply to a type are left out of the JSON.
type Event struct {
	// Run names the run of the primary that published the event: seqs start
	// again at 1 with every run.
	Run    string    `json:"run"`
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Type   string    `json:"type"`
	Worker int       `json:"worker,omitempty"`
	// Host is the host of the event's worker (every worker and job event has
	// one), or the host a host.* or a remote host's pool.scale event is about.
	Host     string `json:"host,omitempty"`
	PID      int    `json:"pid,omitempty"`
	Slot     int    `json:"slot,omitempty"`
	Restarts int    `json:"restarts,omitempty"`
	Replaces int    `json:"replaces,omitempty"`
	// Standby says a worker.fork's process is a standby the pool started earlier
	// (Options.Standby) and made this worker now: its pid is older than the event.
	Standby     bool   `json:"standby,omitempty"`
	Code        *int   `json:"code,omitempty"`
	Signal      string `json:"signal,omitempty"`
	Intentional *bool  `json:"intentional,omitempty"`
	Restarting  *bool  `json:"restarting,omitempty"`
	// Reason says why the pool killed the worker on purpose: ReasonCanceled,
	// ReasonTimeout or ReasonKilled; empty for a worker that died by itself.
	Reason string `json:"reason,omitempty"`
	// Detail says in words why the pool did what it did with an exited worker:
	// why it was not restarted (RestartPolicy.When) or replaced (ReasonMemory).
	Detail string `json:"detail,omitempty"`
	Addr   string `json:"addr,omitempty"`
	// Address, Port, Family and Mode describe a listening worker's server as Node's
	// listening event does ({address, port, addressType}); Family is "IPv4", "IPv6"
	// or "unix", Mode the server's balancing (os, rr, sticky) or "exclusive".
	Address string          `json:"address,omitempty"`
	Port    int             `json:"port,omitempty"`
	Family  string          `json:"family,omitempty"`
	Mode    string          `json:"mode,omitempty"`
	Message json.RawMessage `json:"message,omitempty"`
	// Handle names what came with a message: "file", "conn" or "listener".
	Handle     string          `json:"handle,omitempty"`
	Error      string          `json:"error,omitempty"`
	Size       *int            `json:"size,omitempty"`
	Batch      string          `json:"batch,omitempty"`
	Kind       string          `json:"kind,omitempty"`
	Job        int64           `json:"job,omitempty"`
	Input      json.RawMessage `json:"input,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"`
	ErrorData  json.RawMessage `json:"error_data,omitempty"`
	Attempts   int             `json:"attempts,omitempty"`
	DurationMS float64         `json:"duration_ms,omitempty"`
	Summary    *BatchSummary   `json:"summary,omitempty"`
	State      string          `json:"state,omitempty"`
	// Lines and Dropped are a worker.log event's: the lines the worker printed
	// since its last one, and how many more did not fit (see Cluster.Logs).
	Lines   []LogLine `json:"lines,omitempty"`
	Dropped int64     `json:"dropped,omitempty"`
}

// Reasons of a worker.exit for a worker the pool killed on purpose.
const (
	ReasonCanceled = "canceled" // its job's list was canceled
	ReasonTimeout  = "timeout"  // its job ran past the list's timeout
	ReasonKilled   = "killed"   // someone asked (Worker.Kill, the panel's Kill button)
	ReasonMemory   = "memory"   // its RSS stayed over RestartPolicy.MaxMemory: replaced gracefully
)

// IntValue reads a JSON value that is an integer, such as a numeric kind's input
// or result; ok is false for any other value.
func IntValue(v json.RawMessage) (n int64, ok bool) {
	n, err := jobs.IntInput(v)
	return n, err == nil
}
