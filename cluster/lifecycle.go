package cluster

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"syscall"
	"time"
)

// forkInto starts a worker for slot s; a failure to start counts as a crash. At
// MaxWorkers live processes it forks nothing and marks the slot waiting: retiring
// workers still count, or cycles of scaling down and up while they finish long jobs
// would pile up processes past the cap. forkWaiting forks it when one exits.
func (c *Cluster) forkInto(s *slot) *proc {
	if s.host == "" && c.localProcs() >= c.opts.MaxWorkers {
		s.waiting = true
		return nil
	}
	s.waiting = false
	p, id, err := c.newProc(s)
	if err != nil {
		c.publish(Event{Type: EventError, Worker: id, Slot: s.n, Error: err.Error()})
		c.opts.Logger.Error("fork failed", "worker", id, "err", err)
		c.afterCrash(s, time.Time{})
		return nil
	}
	p.restarts = s.restarts
	if p.host == "" {
		p.host = c.opts.HostName
	}
	s.worker = p
	s.replaces, s.last = s.last, id
	c.procs[id] = p
	c.publish(Event{Type: EventFork, Worker: id, PID: p.pid, Slot: s.n, Restarts: p.restarts, Replaces: s.replaces,
		Standby: p.fromStandby})
	c.armStart(p)
	if p.held {
		c.releaseHeir(p)
	}
	if p.plain { // no handshake to wait for
		c.onProbation(p)
		c.publish(Event{Type: EventOnline, Worker: p.id, PID: p.pid, Slot: p.slot})
		c.onOnline(p)
	}
	return p
}

// newProc starts slot s's next worker: the slot's held heir, a spare, or a new
// process (here or on the slot's host). It returns the worker id it used.
func (c *Cluster) newProc(s *slot) (*proc, int, error) {
	if h := s.heir; h != nil {
		s.heir = nil
		return h, h.id, nil
	}
	c.nextID++
	id := c.nextID
	if s.host != "" {
		c.hostOf.set(id, s.host)
		p, err := c.spawnRemote(id, s, c.hosts[s.host])
		return p, id, err
	}
	if c.opts.Protocol == ProtocolNone {
		p, err := c.spawnPlain(id, s)
		return p, id, err
	}
	if p := c.takeStandby(id, s); p != nil {
		return p, id, nil
	}
	p, err := c.spawn(id, s.n)
	return p, id, err
}

// onFrames handles a batch of frames from one worker, in order.
func (c *Cluster) onFrames(p *proc, frames []frame) {
	if p.held {
		c.onHeldFrames(p, frames)
		return
	}
	if p.standby {
		c.onStandbyFrames(p, frames)
		return
	}
	for i := range frames {
		if p.state == StateDead || p.errReason != "" {
			for j := i; j < len(frames); j++ {
				closeFiles(frames[j].files)
			}
			return
		}
		c.onFrame(p, &frames[i])
	}
	c.dispatch()
}

func (c *Cluster) onFrame(p *proc, f *frame) {
	if p.state == StateStarting && f.T == frameStandby && p.fromStandby {
		return // it said so before it was assigned; the pool read it only now
	}
	if p.state == StateStarting && f.T != frameHello {
		c.protocolError(p, fmt.Errorf("%w: %q frame before hello", ErrProtocol, f.T))
		return
	}
	switch f.T {
	case frameHello:
		c.onHello(p, f)
	case frameResult:
		c.onResult(p, f)
	case frameMsg:
		c.onMessage(p, f)
	case frameListening:
		closeFiles(f.files) // no descriptors belong with these
		c.onListening(p, f)
	case frameListen:
		c.onListen(p, f)
	case frameUnlisten:
		c.onUnlisten(p, f)
	case frameReady:
		closeFiles(f.files)
		c.markReady(p)
	default:
		c.protocolError(p, fmt.Errorf("%w: unknown frame kind %q", ErrProtocol, f.T))
	}
}

func (c *Cluster) onHello(p *proc, f *frame) {
	switch {
	case p.state != StateStarting:
		c.protocolError(p, fmt.Errorf("%w: second hello", ErrProtocol))
	case f.V < MinProtocolVersion || f.V > ProtocolVersion:
		c.protocolError(p, fmt.Errorf("%w: protocol version %d, want %d..%d", ErrProtocol, f.V,
			MinProtocolVersion, ProtocolVersion))
	case f.ID != p.id:
		c.protocolError(p, fmt.Errorf("%w: hello from worker id %d, want %d", ErrProtocol, f.ID, p.id))
	case f.V == 1 && len(f.Kinds) > 0:
		c.protocolError(p, fmt.Errorf("%w: a version 1 hello declares kinds; say \"v\":2", ErrProtocol))
	default:
		if err := checkKinds(f.Kinds); err != nil {
			c.protocolError(p, fmt.Errorf("%w: hello: %v", ErrProtocol, err))
			return
		}
		p.version = f.V
		if p.remote != nil && f.PID > 0 {
			p.pid = f.PID // its pid on its own host, known from here on
		}
		c.onHelloKinds(p, f.Kinds)
		if p.intentional {
			p.state = StateStopping
		} else {
			p.state = StateIdle
		}
		close(p.online)
		c.onProbation(p) // before the event: a test may move a fake clock on it
		c.publish(Event{Type: EventOnline, Worker: p.id, PID: p.pid, Slot: p.slot})
		c.onOnline(p)
	}
}

func (c *Cluster) onMessage(p *proc, f *frame) {
	if f.FDs != 0 {
		c.onHandleMessage(p, f)
		return
	}
	if c.opts.OnMessage != nil {
		c.opts.OnMessage(p.info(), f.D)
	}
	if !c.opts.QuietMessages {
		c.publish(Event{Type: EventMessage, Worker: p.id, PID: p.pid, Message: f.D})
	}
}

// onHandleMessage gives a message's handle to Options.OnHandle, or closes it.
func (c *Cluster) onHandleMessage(p *proc, f *frame) {
	h, err := receivedHandle(f)
	if err != nil {
		c.protocolError(p, err)
		return
	}
	if c.opts.OnHandle != nil {
		c.opts.OnHandle(p.info(), f.D, h)
	} else {
		closeHandle(h)
	}
	if !c.opts.QuietMessages {
		c.publish(Event{Type: EventMessage, Worker: p.id, PID: p.pid, Message: f.D, Handle: f.H})
	}
}

// protocolError reports a worker that sent something the primary cannot accept and
// kills it; the restart policy replaces it like any crash.
func (c *Cluster) protocolError(p *proc, err error) {
	if p.errReason != "" {
		return
	}
	p.errReason = err.Error()
	c.publish(Event{Type: EventError, Worker: p.id, PID: p.pid, Error: err.Error()})
	c.opts.Logger.Warn("killing worker", "worker", p.id, "pid", p.pid, "err", err)
	p.signal(syscall.SIGKILL)
}

// onReadEnd runs when the IPC channel closed (disconnect) or broke (error).
func (c *Cluster) onReadEnd(p *proc, err error) {
	if p.standby {
		return // its exit tells all
	}
	if p.held {
		p.heldEnd, p.heldErr = true, err
		return
	}
	// A reset is how a killed worker's socket ends when it had unread data: a
	// disconnect like EOF, not a protocol error.
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, syscall.ECONNRESET) {
		c.protocolError(p, fmt.Errorf("%w: %v", ErrProtocol, err))
	}
	c.leaveServers(p)
	c.publish(Event{Type: EventDisconnect, Worker: p.id, PID: p.pid})
}

// onExit handles a reaped worker: the exit event, its jobs, and its replacement.
func (c *Cluster) onExit(p *proc) {
	delete(c.unreaped, p)
	if p.standby {
		c.onStandbyExit(p)
		return
	}
	if p.held {
		c.onHeldExit(p)
		return
	}
	c.logs.exit(p.id)
	if p.fromStandby {
		// Its output may have been attached after waitLoop flushed it (a spare or
		// heir taken as it died): write an unfinished last line now; twice is harmless.
		flushOutput(p.cmd)
	}
	if !p.plain {
		p.conn.Close()
		p.out.close()
	}
	p.stopTimer.stop()
	p.startTimer.stop()
	p.readyTimer.stop()
	c.leaveServers(p)
	p.state = StateDead
	delete(c.procs, p.id)
	c.retirePredecessor(p)
	code, sig := exitStatus(p)
	p.exitCode, p.exitSignal = code, sig
	s := c.slots[p.slot]
	unexpected := s != nil && (s.worker == p || s.worker == nil) && !p.intentional && !c.closing
	restart := unexpected && (p.deliberate || c.opts.Restart.When.restarts(code, sig))
	if unexpected && !restart {
		p.detail = c.shrinkAfter(s)
	}
	ev := Event{Type: EventExit, Worker: p.id, PID: p.pid, Slot: p.slot, Signal: sig,
		Intentional: &p.intentional, Restarting: &restart, Reason: p.killedFor, Detail: p.detail}
	if sig == "" {
		ev.Code = &code
	}
	if p.errReason != "" {
		ev.Error = p.errReason
	}
	c.publish(ev)
	c.requeueFrom(p, exitReason(p, code, sig), exitOutcome(p, sig))
	close(p.exited)
	if s != nil && s.worker == p {
		s.worker = nil
		s.stable.stop()
	}
	if restart {
		c.replace(s, p)
	}
	c.endHeld(c.takeHeir(p)) // no fork took it
	if !restart && unexpected {
		size := c.size
		c.publish(Event{Type: EventScale, Size: &size})
	}
	c.forkWaiting()
	c.dispatch()
}

// forkWaiting forks into the slots that waited for room under MaxWorkers, lowest
// slot first, while there is room.
func (c *Cluster) forkWaiting() {
	if c.closing {
		return
	}
	var ns []int
	for n, s := range c.slots {
		if s.waiting && s.worker == nil {
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	for _, n := range ns {
		if c.slots[n].host == "" && c.localProcs() >= c.opts.MaxWorkers {
			continue
		}
		c.forkInto(c.slots[n])
	}
}

// replace forks a successor for a slot whose worker died, as the policy says.
func (c *Cluster) replace(s *slot, p *proc) {
	c.restarts++
	s.restarts++
	if p.deliberate {
		s.heir = c.takeHeir(p)
		c.forkInto(s)
		c.endHeld(s.heir) // the fork did not take it (MaxWorkers)
		s.heir = nil
		return
	}
	c.afterCrash(s, p.startedAt)
}

// afterCrash applies the restart policy to a slot whose worker (started at started)
// crashed: restart now, after a backoff, or mark the slot degraded.
func (c *Cluster) afterCrash(s *slot, started time.Time) {
	d := c.opts.Restart.onCrash(&s.record, started, c.clock.Now(), nil)
	if d.degraded {
		c.degrade(s)
		return
	}
	if d.delay <= 0 {
		c.forkInto(s)
		return
	}
	s.pending = c.after(d.delay, func() {
		s.pending = nil
		if c.slots[s.n] == s && s.worker == nil && !c.closing {
			c.forkInto(s)
		}
	})
}

// exitStatus reads how the process ended: an exit code, or the signal's name.
func exitStatus(p *proc) (code int, sig string) {
	if p.remote != nil {
		if p.rexit.Signal != "" {
			return -1, p.rexit.Signal
		}
		if p.rexit.Lost {
			return -1, ""
		}
		return p.rexit.Code, ""
	}
	ps := p.cmd.ProcessState
	if ps == nil {
		return -1, ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, signalName(ws.Signal())
	}
	return ps.ExitCode(), ""
}

// exitReason says in words why a worker ended, for the jobs it took down with it.
func exitReason(p *proc, code int, sig string) string {
	if p.remote != nil && p.rexit.Lost {
		return fmt.Sprintf("%s was lost with its host %s", p.name(), p.host)
	}
	if sig != "" {
		return fmt.Sprintf("%s was killed by %s", p.name(), sig)
	}
	return fmt.Sprintf("%s exited with exit code %d", p.name(), code)
}
