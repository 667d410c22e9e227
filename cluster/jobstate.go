package cluster

import (
	"encoding/json"
	"strconv"
	"time"
)

// job is one input of a list. Times are nanoseconds after the list's creation, which
// keeps a million-job list small.
type job struct {
	id       int64
	b        *batch
	input    json.RawMessage // compact JSON; a numeric list's share one buffer
	result   json.RawMessage // set once done
	more     *jobExtra       // nil while the job has no error and one try at most: most jobs
	worker   int32
	pid      int32
	attempts int32
	outcome  uint8 // its latest attempt's (tries.go); fits in the padding after attempts
	state    JobState
	started  int64
	finished int64
	durMS    float64
}

// jobExtra is what most jobs never have: an error and its data, and the attempts
// before the latest (tries.go). It is kept behind a pointer: a million-job list
// pays 8 bytes a job for it instead of 64.
type jobExtra struct {
	msg   string
	data  json.RawMessage
	tries []Try
}

func (j *job) errMsg() string {
	if j.more == nil {
		return ""
	}
	return j.more.msg
}

func (j *job) errData() json.RawMessage {
	if j.more == nil {
		return nil
	}
	return j.more.data
}

// setErr sets the job's error; an empty one with no data clears it (earlier tries
// stay).
func (j *job) setErr(msg string, data json.RawMessage) {
	switch {
	case j.more != nil:
		j.more.msg, j.more.data = msg, data
		if msg == "" && data == nil && len(j.more.tries) == 0 {
			j.more = nil
		}
	case msg != "" || data != nil:
		j.more = &jobExtra{msg: msg, data: data}
	}
}

// batch is one job list.
type batch struct {
	id       string
	kind     string
	created  time.Time
	finished time.Time
	timeout  time.Duration
	state    BatchState
	jobs     []job
	inBytes  int64 // the inputs' bytes, counted in jobState.liveBytes
	perJob   bool  // small enough for job.* events

	queued, running, done, failed, canceled int
	workMS, maxJobMS                        float64

	// limit bounds the jobs of the list in the queue or running (0: none); the
	// jobs from next on wait here until one of those ends (held.go).
	limit, next, inFlight int
	workers, peak         int // jobs that could and that did run at once
	key                   baselineKey
	baselines             *baselines
	hosts                 *hostNames // names its tries' hosts

	cancelRequested bool
	progressDue     *timer
	lastProgress    time.Time
	waiters         []chan struct{}
}

func (b *batch) ended() bool { return b.queued == 0 && b.running == 0 }

// jobState is the queue and the lists; it belongs to the pool goroutine.
type jobState struct {
	queue     jobQueue
	batches   map[string]*batch
	order     []*batch // oldest first
	nextBatch int64
	nextJob   int64
	queued    int
	liveBytes int64 // listBytes of the lists not yet ended
	running   int
	done      int64
	watchdog  *timer
	baselines baselines
}

func (s *jobState) init() { s.batches = map[string]*batch{} }

func (s *jobState) queueInfo() QueueInfo { return QueueInfo{Pending: s.queued, Running: s.running} }

// newBatch creates the list and queues its jobs. The inputs are compact JSON that
// the list keeps (the caller hands them over).
func (s *jobState) newBatch(c *Cluster, kind string, inputs []json.RawMessage, opts BatchOptions) *batch {
	s.nextBatch++
	// The run id first: a list id is never reused, not even by a restarted primary,
	// whose counter starts again at 1.
	b := &batch{id: c.opts.RunID + "-" + strconv.FormatInt(s.nextBatch, 10), kind: kind, created: c.clock.Now(),
		timeout: opts.Timeout, state: BatchRunning, jobs: make([]job, len(inputs)),
		perJob: len(inputs) <= c.opts.Jobs.PerJobEvents, queued: len(inputs),
		limit: opts.Workers, workers: c.size, key: keyOf(kind, inputs), baselines: &s.baselines, hosts: &c.hostOf}
	if b.limit > 0 {
		b.workers = min(b.workers, b.limit)
	}
	for i, in := range inputs {
		s.nextJob++
		b.jobs[i] = job{id: s.nextJob, b: b, input: in, state: JobQueued}
	}
	s.release(b)
	s.queued += len(inputs)
	b.inBytes = inputBytes(inputs)
	s.liveBytes += listBytes(len(inputs), b.inBytes)
	s.batches[b.id] = b
	s.order = append(s.order, b)
	return b
}

// since is the offset of now from the list's creation.
func (b *batch) since(now time.Time) int64 { return int64(now.Sub(b.created)) }

func (b *batch) at(off int64) time.Time { return b.created.Add(time.Duration(off)) }
