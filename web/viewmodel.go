package web

import (
	"encoding/json"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// The view models below are plain structs. The server fills them from cluster's
// snapshots; the components only read them. Their field names follow the JSON the
// server sends (cluster/types.go) so the mapping is one line per field. These
// components render the first page, the live updates (fragments) and the no-JS page.

// LayoutView is what every page needs around its content.
type LayoutView struct {
	// Title is the page title; " · gocluster" is appended.
	Title string
	// ReadOnly hides every form and button that changes the pool and shows a
	// "read-only" badge in the header.
	ReadOnly bool
	// Presentation starts the page in large-text presentation mode. The header toggle
	// remembers the visitor's own choice in localStorage, which wins over this.
	Presentation bool
	// Refresh reloads the page every 2 s when JavaScript is off, while something on
	// it runs; with JavaScript the page is live instead.
	Refresh bool
	// Version, when set, is shown in the footer.
	Version string
}

// PanelView is the control panel at GET /.
type PanelView struct {
	// Now is the render time; worker uptimes are measured against it.
	Now     time.Time
	Pool    PoolView
	Workers []WorkerView
	// Hosts are the pool's hosts, the primary's own first; the panel shows them
	// and groups the worker cards by host when there is more than one.
	Hosts []HostView
	// Batches are the job lists, newest first, without their jobs.
	Batches []BatchRow
	// Kinds are the job kinds offered by the job-list form.
	Kinds     []KindOption
	ScaleForm ScaleFormView
	JobForm   JobFormView
	// ActionError is the message of a failed restart, stop, kill, crash or cancel in
	// the no-JS path; it is shown in #action-error.
	ActionError string
	// Events are the recent events, oldest first: the log.
	Events []EventLine
}

// PoolView is the pool as a whole (PoolInfo without its workers).
type PoolView struct {
	// Size is the desired number of workers.
	Size int
	// Degraded is set when a slot cannot keep a worker alive; DegradedError says why.
	Degraded      bool
	DegradedError string
	// Pending counts queued jobs, Running counts jobs on a worker.
	Pending int
	Running int
	// Restarts counts workers replaced after they died; JobsDone counts finished jobs.
	Restarts int
	JobsDone int64
	// Rate is jobs finished per second over the last seconds; negative before any.
	Rate float64
	// LastSeq is the seq of the last event reflected in this view.
	LastSeq uint64
}

// WorkerView is one worker card (WorkerInfo).
type WorkerView struct {
	ID         int
	PID        int
	Slot       int
	State      string // starting, idle, busy, stopping or dead
	StartedAt  time.Time
	JobsDone   int64
	Restarts   int
	CurrentJob *JobRef // nil when the worker has no job
	Listening  string  // address the worker listens on, if any
	RSSBytes   int64
	CPUPercent float64
	// Replaces is the worker this one took over from in its slot (0: the first).
	Replaces int
	// Exit says how a dead worker ended ("SIGKILL", "code 1"): dead cards linger.
	Exit string
	// Host is the host the worker runs on; Local is true for the primary's own.
	Host  string
	Local bool
}

// HostView is one host of the pool: the primary's own or an agent's.
type HostView struct {
	Name    string
	Local   bool
	State   string // up or lost
	Size    int    // workers wanted
	Workers int    // workers alive
	Late    int64  // late messages of given-up workers, dropped
}

// JobRef names the job a worker is running.
type JobRef struct {
	Batch string
	Job   int64
	Kind  string
	Input json.RawMessage
}

// KindOption is one job kind in the form's select.
type KindOption struct {
	Name string // "fib"
	Doc  string // one line: "naive recursive Fibonacci"
	// Example is an input worth trying, any JSON value (nil for none).
	Example json.RawMessage
	// Numeric kinds take integers, typed as "44 42 42 43"; the others a JSON array.
	Numeric bool
	// Min and Max bound a numeric kind's inputs; both zero means no bounds stated.
	Min int64
	Max int64
}

// ScaleFormView is the pool-size form.
type ScaleFormView struct {
	Size  int    // value of the number field: the desired size
	Max   int    // largest size the server accepts
	CPUs  int    // CPU count, for the "one per CPU" button
	Error string // validation message from the last no-JS post
}

// JobFormView is the new-job-list form. A zero JobFormView shows the preset inputs
// (DefaultInputs); after a failed post the server passes back what was typed.
type JobFormView struct {
	Kind    string // selected kind; empty selects the first
	Inputs  string // textarea text
	Timeout string // deadline of each job of the list, e.g. "60s"; optional
	Error   string // validation message from the last no-JS post
	// DefaultTimeout is the pool's default deadline of each job, e.g. "1m": what an
	// empty Timeout means. Empty when unknown.
	DefaultTimeout string
	// NoJobs, when set, says why this pool takes no job lists (it runs plain
	// programs): it is shown instead of the form.
	NoJobs string
}

// BatchRow is one job list without its jobs (BatchInfo in list views).
type BatchRow struct {
	ID         string
	Kind       string
	State      string // running, done or canceled
	CreatedAt  time.Time
	FinishedAt time.Time // zero while running
	Timeout    string    // e.g. "1m0s"; empty or "0s" means none
	Summary    SummaryView
}

// SummaryView holds a job list's counts and times: cluster's own value, not a copy,
// so a figure added there (parallelism, measured speedup) cannot be lost on the way.
type SummaryView = cluster.BatchSummary

// BatchPageView is one job list at GET /batches/{id}.
type BatchPageView struct {
	// Now is the render time; running jobs' bars end there.
	Now   time.Time
	Batch BatchRow
	// Jobs is one page of the list's jobs, as Pager says.
	Jobs []JobRow
	// Lost are the attempts of these jobs whose worker died under them.
	Lost  []LostAttempt
	Pager JobPager
	// ActionError is the message of a failed cancel in the no-JS path.
	ActionError string
}

// JobPager says which slice of a list's jobs a page shows, and where the pages
// before and after it are ("" for none): a big list is shown a page at a time.
type JobPager struct {
	Offset, Limit, Total int
	PrevURL, NextURL     string
}

// JobRow is one job of a list (JobInfo).
type JobRow struct {
	ID         int64
	Input      json.RawMessage // any JSON value
	State      string          // queued, running, done, failed or canceled
	Result     json.RawMessage // nil until done
	Error      string
	ErrorData  json.RawMessage // a failed job's detail, if its worker sent any
	Worker     int             // 0 until started
	PID        int
	Attempts   int
	QueuedAt   time.Time
	StartedAt  time.Time // zero until started
	FinishedAt time.Time // zero until finished
	DurationMS float64
	// Tries are its attempts, oldest first (cluster.JobInfo.Tries).
	Tries []cluster.Try
}

// DemosView is the demos page at GET /demos.
type DemosView struct {
	Demos []DemoView
}

// DemoView is one classroom demo: a classic Node cluster example and the same thing
// in Go.
type DemoView struct {
	ID          string // stable slug, used in the element id "demo-{ID}"
	Title       string
	Shows       string // what it shows, one or two sentences
	NodeSnippet string
	GoSnippet   string
	// Command runs the demo in a terminal with a pool of its own, e.g.
	// "gocluster demo fib"; empty shows none.
	Command string
	// RunAction is the URL a POST form sends to run the demo; empty hides the button.
	RunAction string
	// RunNote says what pressing the button does and where to watch it.
	RunNote string
	// TakesInputs adds an inputs field (name "inputs") to the run form, preset with
	// Inputs.
	TakesInputs bool
	Inputs      string
	// Error is the message of a failed run in the no-JS path.
	Error string
	// HTTP, when set, is the shared-port demo's live status box.
	HTTP *HTTPDemoView
	// Node, when set, adds the "Node's behaviour" switch to the run form (checked
	// when NodeBehaviour), the Node lines beside the Go ones with the faults
	// highlighted, and the Node replay's live box.
	Node          *FibNodeView
	NodeLesson    NodeLessonView
	NodeBehaviour bool
}

// HTTPDemoView is the state of the shared-port demo: where it serves, a load command
// to copy, and how many requests each worker reported (the lesson's numReqs).
type HTTPDemoView struct {
	Running bool
	// Addr is where the last run served, e.g. "127.0.0.1:41234"; empty if none ran.
	Addr string
	// LoadCommand is a shell loop that sends the demo requests.
	LoadCommand string
	// SecondsLeft is how long a running demo still serves.
	SecondsLeft int
	Workers     []DemoWorkerCount
	Total       int64
	// Balance is how the last run spread connections: "rr", "os" or "sticky"; ""
	// before the first.
	Balance string
	// RunAction, when set, offers buttons that run the demo again in rr or os.
	RunAction string
}

// DemoWorkerCount is one worker's share of the requests.
type DemoWorkerCount struct {
	ID       int
	PID      int
	Requests int64
}

// LoginView is the token page at GET /login.
type LoginView struct {
	Error string // e.g. "wrong token"
}

// MessageView is a page that only says something, such as "Not Found: no job list
// b9".
type MessageView struct {
	Title   string
	Message string
}

// PresentView is the lecture view at GET /present.
type PresentView struct {
	Now     time.Time
	Pool    PoolView
	Workers []WorkerView
	CPUs    int
	// Batch is the list the lanes show: the newest one still running, else the
	// newest; nil before any.
	Batch    *BatchRow
	Timeline TimelineView
	// Events are the last few events, oldest first.
	Events []EventLine
}

// HistoryView is the job-list history at GET /batches: the filters as given, one
// page of lists, and the URL of the next (older) page, empty on the last.
type HistoryView struct {
	State, Kind, Run string
	Batches          []BatchRow
	Next             string
	// Error says why the filters were refused (the page answers 400 with no lists).
	Error string
}
