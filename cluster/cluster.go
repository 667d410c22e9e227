package cluster

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Cluster is the primary's handle on a pool of worker processes. One goroutine owns
// all of its state; every method hands that goroutine a request and waits for the
// answer, so methods are safe to call from any goroutine.
type Cluster struct {
	opts   Options
	clock  Clock
	bus    *eventBus
	exe    string
	args   []string
	self   string // this executable: the socket-activation shim (shim.go)
	stats  procStats
	kinds  servedKinds // written by the loop, read by Submit
	frames framePool   // batches of frames from the readers to the loop
	logs   *logStore
	hostOf hostNames // remote workers' hosts, for events

	inbox    chan func()
	wake     chan struct{}
	quit     chan struct{} // closed by Close: the loop is to stop
	loopDone chan struct{} // closed by the loop when it returned
	quitOnce sync.Once
	closeMu  sync.Mutex

	// Everything below is owned by the loop goroutine.
	timers   timerHeap
	wakeAt   time.Time
	wakeStop func() bool
	closing  bool
	procs    map[int]*proc
	// unreaped is every process started and not yet reaped: workers, spares, and
	// heirs or spares already killed that no other list holds any more. Close
	// waits for all of them, so that none is reaped after the loop stopped (its
	// exit would never be handled, its writer goroutine never stopped).
	unreaped map[*proc]struct{}
	slots    map[int]*slot
	nextID   int
	nextSlot int
	size     int
	restarts int
	listen   *server // the pool's own server (Options.Listen, Cluster.Listen): inherited on fd 4 in os mode
	srv      servers
	standby  standbyPool
	jobs     jobState
	hosts    map[string]*hostState // remote hosts by name (AddHost)
}

// slot is one place in the pool. Its worker is replaced when it dies; its crash record
// drives the restart policy.
type slot struct {
	n           int
	worker      *proc
	restarts    int
	last        int // the id of the slot's newest worker
	replaces    int // the id of the worker before it: what its card says it replaced
	record      crashRecord
	pending     *timer // a backoff restart (or a degraded slot's retry) waiting to happen
	degraded    bool
	degradedWhy string
	retryAt     time.Time // when a degraded slot's cool-down ends (zero: no retry set)
	stable      *timer    // a retried degraded slot's worker counts as recovered at this
	// instance numbers the slot from 0, the lowest free at its creation: its
	// workers' PORT offset and GOCLUSTER_INSTANCE.
	instance int
	// env is added to the environment of this slot's workers (Fork).
	env []string
	// host is the remote host the slot's workers run on; "" for the primary's own.
	host string
	// waiting: the slot has no worker because MaxWorkers processes are alive (some
	// of them retiring); it forks as soon as one of them exits.
	waiting bool
	// heir is the held spare the next fork into this slot becomes (heir.go).
	heir *proc
}

// Start forks a pool of opts.Workers workers and returns at once; workers come
// online in the background (see WaitReady). In a worker process it returns
// ErrWorkerRole, so a misplaced call cannot fork a pool per worker.
func Start(opts Options) (*Cluster, error) {
	if IsWorker() {
		return nil, ErrWorkerRole
	}
	opts = opts.withDefaults()
	if _, err := ParseBalance(string(opts.Balance)); err != nil {
		return nil, err
	}
	if _, err := ParseProtocol(string(opts.Protocol)); err != nil {
		return nil, err
	}
	if _, err := ParseRestartWhen(string(opts.Restart.When)); err != nil {
		return nil, err
	}
	if opts.Protocol == ProtocolNone {
		// Plain programs accept on the socket themselves: only the kernel can
		// balance them (rr and sticky need the primary to pass connections over IPC).
		opts.Balance = BalanceOS
	}
	c := &Cluster{
		opts:     opts,
		clock:    opts.Clock,
		inbox:    make(chan func(), 1024),
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
		procs:    map[int]*proc{},
		unreaped: map[*proc]struct{}{},
		slots:    map[int]*slot{},
		hosts:    map[string]*hostState{},
	}
	c.bus = newEventBus(opts.EventHistory, c.clock.Now, opts.RunID)
	c.logs = newLogStore(opts.LogLines, c.clock.Now, func(ev Event) { c.bus.publish(c.withHost(ev)) })
	c.jobs.init()
	c.kinds.init(opts.Jobs.Registry)
	if !ValidHostName(opts.HostName) {
		return nil, fmt.Errorf("%w: host name %q: use 1 to 64 letters, digits, '-' or '_'", ErrInvalid, opts.HostName)
	}
	c.opts.startedAt = c.clock.Now()
	c.hostOf.local = opts.HostName
	if opts.Store != nil {
		if err := c.resume(); err != nil {
			return nil, err
		}
	}
	if err := c.resolveExec(); err != nil {
		return nil, err
	}
	if opts.Listen != "" {
		s, err := c.openServerOnLoop("tcp", opts.Listen) // the loop has not started: ours alone
		if err != nil {
			return nil, err
		}
		c.listen = s
	}
	if opts.OnSetup != nil {
		opts.OnSetup(opts)
	}
	go c.loop()
	c.call(c.armMemoryWatch)
	if err := c.Scale(opts.Workers); err != nil {
		c.Close(context.Background())
		return nil, err
	}
	c.call(func() { c.scheduleRefill(standbyRefillDelay) })
	return c, nil
}

func (c *Cluster) resolveExec() error {
	c.exe, c.args = c.opts.Exec, c.opts.Args
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	c.self = exe
	if c.exe != "" {
		return nil
	}
	c.exe = exe
	if c.args == nil {
		c.args = os.Args[1:]
	}
	return nil
}

// loop is the pool goroutine.
func (c *Cluster) loop() {
	defer close(c.loopDone)
	for {
		select {
		case f := <-c.inbox:
			f()
		case <-c.wake:
			c.runTimers()
		case <-c.quit:
			return
		}
	}
}

// call runs f on the pool goroutine and waits for it. Once f is handed over it
// waits for f to finish, or for the loop to have stopped without running it: giving
// up at quit, as it once did, let a caller read what f was still writing (a race
// seen after Close, whose quit the loop notices a moment later).
func (c *Cluster) call(f func()) error {
	select {
	case <-c.quit:
		return ErrClosed
	default:
	}
	done := make(chan struct{})
	select {
	case c.inbox <- func() { defer close(done); f() }:
	case <-c.quit:
		return ErrClosed
	}
	select {
	case <-done:
		return nil
	case <-c.loopDone:
		select {
		case <-done: // it ran before the loop stopped
			return nil
		default:
			return ErrClosed
		}
	}
}

// post hands f to the pool goroutine without waiting; after Close it is dropped.
func (c *Cluster) post(f func()) {
	select {
	case c.inbox <- f:
	case <-c.quit:
	}
}

// publish sends an event to subscribers; it is called on the pool goroutine only.
func (c *Cluster) publish(ev Event) Event {
	ev = c.bus.publish(c.withHost(ev))
	c.recordEvent(ev)
	return ev
}

// withHost sets a worker event's Host: the remote worker's host, or ours.
func (c *Cluster) withHost(ev Event) Event {
	if ev.Worker != 0 && ev.Host == "" {
		ev.Host = c.hostOf.of(ev.Worker)
	}
	return ev
}

// Subscribe returns a subscription that receives every event from now on. buffer
// bounds how far the subscriber may fall behind before it is dropped (default 256).
func (c *Cluster) Subscribe(buffer int) *Subscription {
	s, _, _ := c.bus.subscribe(buffer, nil)
	return s
}

// SubscribeSince subscribes and returns the retained events after seq, with no gap
// and no duplicate between them and the subscription. ok is false when some events
// after seq were already discarded: take a snapshot (Pool) instead.
func (c *Cluster) SubscribeSince(seq uint64, buffer int) (s *Subscription, missed []Event, ok bool) {
	return c.bus.subscribe(buffer, &seq)
}

// EventsSince returns the retained events after seq; ok as in SubscribeSince.
func (c *Cluster) EventsSince(seq uint64) ([]Event, bool) { return c.bus.since(seq) }

// RunID names this run of the primary (Options.RunID): events, the pool and
// job-list ids carry it.
func (c *Cluster) RunID() string { return c.opts.RunID }

// LastSeq is the seq of the latest event.
func (c *Cluster) LastSeq() uint64 { return c.bus.lastSeq() }

// Pool returns a snapshot of the pool: size, workers by id, queue and counters.
func (c *Cluster) Pool() PoolInfo {
	var info PoolInfo
	if err := c.call(func() { info = c.poolOnLoop() }); err != nil {
		return PoolInfo{Run: c.opts.RunID, LastSeq: c.bus.lastSeq()}
	}
	c.stats.fill(info.Workers)
	return info
}

// Snapshot returns the pool and the kept job lists (newest first, at most
// maxBatches, without jobs) as of one moment: both include exactly the events up
// to LastSeq, so a subscriber can resume from there with nothing missed or doubled.
func (c *Cluster) Snapshot(maxBatches int) (PoolInfo, []BatchInfo) {
	var info PoolInfo
	var lists []BatchInfo
	if err := c.call(func() {
		info = c.poolOnLoop()
		lists = c.batchesOnLoop(maxBatches)
	}); err != nil {
		return PoolInfo{Run: c.opts.RunID, LastSeq: c.bus.lastSeq()}, nil
	}
	c.stats.fill(info.Workers)
	return info, lists
}

// poolOnLoop builds Pool's snapshot on the pool goroutine, which owns the state.
func (c *Cluster) poolOnLoop() PoolInfo {
	info := PoolInfo{Run: c.opts.RunID, Size: c.size, Restarts: c.restarts, JobsDone: c.jobs.done,
		Protocol: c.opts.Protocol}
	info.Queue = c.jobs.queueInfo()
	for _, p := range c.procs {
		w := p.info()
		if s := c.slots[p.slot]; s != nil && s.worker == p {
			w.Replaces = s.replaces
		}
		info.Workers = append(info.Workers, w)
	}
	sort.Slice(info.Workers, func(i, j int) bool { return info.Workers[i].ID < info.Workers[j].ID })
	var reasons []string
	for _, s := range c.slots {
		if s.waiting && s.worker == nil {
			info.Waiting++
		}
		if s.degraded {
			info.Degraded = true
			reasons = append(reasons, s.degradedWhy)
		}
	}
	sort.Strings(reasons)
	info.DegradedReason = strings.Join(reasons, "; ")
	info.DegradedSlots = c.degradedSlots()
	info.Standby = c.standbyCount()
	info.LastSeq = c.bus.lastSeq()
	return info
}

// Health says whether the pool can serve (see PoolInfo.Health): for /healthz and
// readiness checks.
func (c *Cluster) Health() Health { return c.Pool().Health() }

// Workers returns a snapshot of the live workers, by id.
func (c *Cluster) Workers() []WorkerInfo { return c.Pool().Workers }

// MaxWorkers is the largest size Scale accepts.
func (c *Cluster) MaxWorkers() int { return c.opts.MaxWorkers }

// Size is the desired pool size.
func (c *Cluster) Size() int {
	n := 0
	c.call(func() { n = c.size })
	return n
}

// WaitReady waits until every slot of the pool has a worker that is ready (online,
// and for servers listening: see Cluster.Restart), or ctx ends. A degraded slot makes it fail at once.
func (c *Cluster) WaitReady(ctx context.Context) error {
	sub := c.Subscribe(1024)
	defer sub.Close()
	for {
		var ready bool
		var err error
		if cerr := c.call(func() { ready, err = c.readyOnLoop() }); cerr != nil {
			return cerr
		}
		if ready || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, open := <-sub.C:
			if !open {
				sub = c.Subscribe(1024)
				defer sub.Close()
			}
		}
	}
}

// readyOnLoop is WaitReady's test, run on the pool goroutine, which owns the slots.
func (c *Cluster) readyOnLoop() (bool, error) {
	for _, s := range c.slots {
		if s.degraded {
			return false, fmt.Errorf("slot %d is degraded: its worker keeps crashing", s.n)
		}
		if s.worker == nil || !s.worker.ready {
			return false, nil
		}
	}
	return true, nil
}
