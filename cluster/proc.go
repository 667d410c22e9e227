package cluster

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// proc is the primary's record of one worker process. Its fields belong to the pool
// goroutine, except those the reader and waiter goroutines are handed at spawn.
type proc struct {
	id, slot  int
	pid       int
	cmd       *exec.Cmd
	conn      *net.UnixConn
	out       *frameWriter
	state     WorkerState
	startedAt time.Time
	restarts  int
	jobsDone  int64
	listening string
	inflight  []*job    // jobs sent to the worker, in order; the first one is running
	servers   []*server // servers that pass it connections (rr, sticky)
	win       window    // its adaptive prefetch window (window.go)

	intentional bool   // retired on purpose: not replaced
	deliberate  bool   // killed by the pool (job timeout, cancel, user kill): replaced at once, not a crash
	killedFor   string // why it was killed deliberately: the exit event's Reason
	detail      string // the exit event's Detail (memory.go)
	overMemory  int    // samples in a row over RestartPolicy.MaxMemory
	successor   *proc  // replacing it for its memory, not ready yet
	predecessor *proc  // the worker it replaces for its memory, drained once it is ready
	errReason   string // a protocol error that got it killed
	version     int    // the protocol version of its hello
	stopTimer   *timer
	exitCode    int    // set before exited is closed
	exitSignal  string // likewise

	plain      bool // a plain program (ProtocolNone): no conn, no out
	port       int  // its PORT (Options.PortBase), or 0
	ready      bool // it serves (ready.go)
	readyCh    chan struct{}
	startTimer *timer // Options.StartTimeout
	readyTimer *timer // Options.ReadyDelay

	// A standby (standby.go) is a proc with no id yet; warm once it said it is
	// ready; fromStandby once it became a worker.
	standby, warm, fromStandby bool

	// A held heir (heir.go) is a spare assigned to succeed heirOf, which the pool
	// sent SIGKILL; what it sends waits in heldFrames (and heldEnd, heldErr)
	// until heirOf's exit was published.
	heir, heirOf *proc
	heirTimer    *timer
	held         bool
	heldFrames   []frame
	heldEnd      bool
	heldErr      error

	remote RemoteProcess // a worker on another host (remote.go); cmd is nil
	host   string        // its host's name; "" for ours
	outw   [2]io.Writer  // a remote worker's stdout and stderr writers
	rexit  RemoteExit    // how a remote worker ended, set before onExit

	online   chan struct{} // closed at the handshake
	exited   chan struct{} // closed once its exit was handled
	readDone chan struct{}
}

func (p *proc) info() WorkerInfo {
	w := WorkerInfo{ID: p.id, PID: p.pid, Slot: p.slot, State: p.state, StartedAt: p.startedAt,
		JobsDone: p.jobsDone, Restarts: p.restarts, Listening: p.listening, Ready: p.ready,
		Host: p.host, remote: p.remote != nil}
	if len(p.inflight) > 0 && p.inflight[0].state == JobRunning {
		j := p.inflight[0]
		w.CurrentJob = &JobRef{Batch: j.b.id, Job: j.id, Kind: j.b.kind, Input: j.input}
	}
	return w
}

func (p *proc) name() string { return fmt.Sprintf("worker %d (pid %d)", p.id, p.pid) }

// spawn starts a worker process with its IPC socket on fd 3 and, if the pool has one,
// the shared listener on fd 4.
func (c *Cluster) spawn(id, slotN int) (*proc, error) {
	var slotEnv []string
	if s := c.slots[slotN]; s != nil {
		slotEnv = s.env
	}
	stdout, stderr := c.outputs(id)
	role := append([]string{EnvWorkerID + "=" + strconv.Itoa(id)}, slotEnv...)
	p, err := c.startProc(role, stdout, stderr)
	if err != nil {
		return nil, fmt.Errorf("start worker %d: %w", id, err)
	}
	p.id, p.slot = id, slotN
	return p, nil
}

// startProc starts this pool's worker command with role added to its environment
// (a worker id, or the standby mark) and its reader and waiter goroutines.
func (c *Cluster) startProc(role []string, stdout, stderr io.Writer) (*proc, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	parent := os.NewFile(uintptr(fds[0]), "ipc-primary")
	child := os.NewFile(uintptr(fds[1]), "ipc-worker")
	defer child.Close()
	fc, err := net.FileConn(parent)
	parent.Close()
	if err != nil {
		return nil, fmt.Errorf("ipc conn: %w", err)
	}
	cmd := c.command(child, role)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		fc.Close()
		return nil, err
	}
	conn := fc.(*net.UnixConn)
	p := &proc{pid: cmd.Process.Pid, cmd: cmd, conn: conn,
		out: newFrameWriter(conn, c.opts.SendQueueLimit), state: StateStarting,
		startedAt: c.clock.Now(), online: make(chan struct{}), exited: make(chan struct{}),
		readDone: make(chan struct{}), readyCh: make(chan struct{})}
	p.out.maxFrame = c.opts.MaxFrame // the worker reads with the same limit
	c.watch(p)
	return p, nil
}

// command is the worker command: this pool's executable with the IPC socket and
// the pool's environment, then role (the per-process part) last.
func (c *Cluster) command(ipc *os.File, role []string) *exec.Cmd {
	cmd := exec.Command(c.exe, c.args...)
	env := append(os.Environ(),
		EnvIPCFD+"="+strconv.Itoa(ipcFD),
		EnvMaxFrame+"="+strconv.Itoa(c.opts.MaxFrame),
		EnvMaxJobBytes+"="+strconv.Itoa(c.opts.Jobs.MaxValueBytes))
	if c.opts.GOMAXPROCS > 0 {
		env = append(env, "GOMAXPROCS="+strconv.Itoa(c.opts.GOMAXPROCS))
	}
	cmd.ExtraFiles = []*os.File{ipc}
	if c.listen != nil {
		env = append(env, EnvListenAddr+"="+c.listen.addr)
		// Only in os mode do workers accept on the socket themselves; a worker in
		// another language that reads fd 4 keeps working there.
		if c.listen.mode == BalanceOS {
			cmd.ExtraFiles = append(cmd.ExtraFiles, c.listen.file)
			env = append(env, EnvListenFD+"="+strconv.Itoa(listenFD))
		}
	}
	cmd.Env = append(append(env, c.opts.Env...), role...)
	cmd.Dir = c.opts.Dir
	// The worker gets SIGKILL if the primary dies; IPC EOF is the second guard.
	// Its own process group keeps a terminal's Ctrl-C away from it: the primary
	// decides how workers stop.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true,
		Credential: c.opts.Credential}
	cmd.WaitDelay = time.Second
	return cmd
}

// watch starts p's reader and waiter goroutines; p is unreaped until onExit.
// Called on the pool goroutine, which also runs onExit, so the set needs no lock.
func (c *Cluster) watch(p *proc) {
	c.unreaped[p] = struct{}{}
	go c.readLoop(p)
	go c.waitLoop(p)
}

// readLoop decodes frames and hands them to the pool goroutine in batches; it ends at
// EOF or at the first bad frame.
func (c *Cluster) readLoop(p *proc) {
	defer close(p.readDone)
	fdr := newFDReader(p.conn)
	defer fdr.close()
	fr := newFrameReader(fdr, c.opts.MaxFrame)
	var batch []frame
	var dec repeatDecoder
	flush := func() {
		if len(batch) > 0 {
			b := batch
			c.post(func() {
				c.onFrames(p, b)
				c.frames.put(b)
			})
			batch = nil
		}
	}
	for {
		line, err := fr.next()
		if err == nil {
			var f frame
			f, err = dec.decode(line)
			if err == nil && f.FDs != 0 {
				f.files, err = fdr.take(f.FDs)
			}
			if err == nil {
				p.out.heardFrame() // before the pool sees it: a reply is sent at once
				if batch == nil {
					batch = c.frames.get()
				}
				batch = append(batch, f)
				if !fr.buffered() || len(batch) >= 512 {
					flush()
				}
				continue
			}
		}
		flush()
		c.post(func() { c.onReadEnd(p, err) })
		return
	}
}

// waitLoop reaps the process, then waits until its last frames were read, so a result
// sent just before dying is never lost and disconnect comes before exit.
func (c *Cluster) waitLoop(p *proc) {
	if p.remote != nil {
		c.waitRemote(p)
		return
	}
	p.cmd.Wait() // also waits until its output was copied (or WaitDelay passed)
	flushOutput(p.cmd)
	select {
	case <-p.readDone:
	case <-time.After(time.Second): // a grandchild kept the socket open (never for plain workers: readDone is closed)
		p.conn.Close()
		<-p.readDone
	}
	c.post(func() { c.onExit(p) })
}

// signal sends sig to the worker; errors mean it is already gone, which is fine.
func (p *proc) signal(sig syscall.Signal) {
	if p.remote != nil {
		p.remote.Signal(sig)
		return
	}
	if p.cmd.Process != nil {
		p.cmd.Process.Signal(sig)
	}
}

// framePool recycles the batches of frames readLoop hands the pool goroutine: a
// busy worker sends hundreds of thousands of results a second, and fresh batches
// of frames (a few hundred bytes each) made the primary's garbage, and so its
// peak memory, grow with the job rate (a 1M-job list peaked at 561 MB, 434 MB
// with the pool). Nothing keeps a frame once onFrames returned: handlers copy
// what they keep.
type framePool struct{ p sync.Pool }

func (fp *framePool) get() []frame {
	if b, ok := fp.p.Get().(*[]frame); ok {
		return (*b)[:0]
	}
	return make([]frame, 0, 16)
}

func (fp *framePool) put(b []frame) {
	if cap(b) > 1024 {
		return
	}
	clear(b)
	b = b[:0]
	fp.p.Put(&b)
}
