package cluster

import (
	"fmt"
	"io"
	"slices"
	"syscall"
	"time"
)

// standbyPool is the pool's warm spare processes (Options.Standby): this
// executable started with GOCLUSTER_WORKER_ID=standby, initialised, and waiting
// on IPC to be given a worker id. A fork that can use one costs an IPC frame
// instead of an exec, the Go runtime's start and every package's init (tens of
// milliseconds of CPU for the gocluster binary, see docs/performance.md).
// It belongs to the pool goroutine.
type standbyPool struct {
	procs    []*proc // started and not yet assigned, oldest first
	refill   *timer  // the next refill, if one is due
	failures int     // standbys in a row that died before they were ready
	exe      exeID   // the executable they run, as it was when they started
	refused  exeID   // an executable whose standbys said hello at once: it knows none
}

// exeID tells versions of an executable file apart: a rebuilt or replaced binary
// has another inode or size or time. The zero value is no file.
type exeID struct {
	dev, ino    uint64
	size, mtime int64
}

func statExe(path string) exeID {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return exeID{}
	}
	return exeID{dev: uint64(st.Dev), ino: st.Ino, size: st.Size, mtime: st.Mtim.Nano()}
}

// Refill timing. A refill waits until forking calmed down, so that the spares'
// own start (a core's worth of CPU for a while) does not slow the workers that
// are starting; then it starts one spare per step, so the pool goroutine is
// never held for long.
const (
	standbyRefillDelay = 100 * time.Millisecond
	standbyRefillStep  = 5 * time.Millisecond
	standbyMaxBackoff  = 30 * time.Second
)

// standbyFits reports whether slot s's worker may be a standby: a protocol worker
// of this executable, with no environment of its own (Fork(env)): its
// environment was fixed when the standby started.
func (c *Cluster) standbyFits(s *slot) bool {
	return c.standbyOn() && len(s.env) == 0
}

// standbyOn reports whether this pool keeps standbys at all: only for workers that
// are this executable speaking the protocol (not Exec programs, not plain ones).
func (c *Cluster) standbyOn() bool {
	return c.opts.Standby > 0 && c.opts.Exec == "" && c.opts.Protocol == ProtocolGocluster
}

// takeStandby makes a standby worker id of slot s, or returns nil when none fits.
// A standby that is ready (said so) is taken before one still starting. Its
// output goes to worker id's writers from now on.
func (c *Cluster) takeStandby(id int, s *slot) *proc {
	p := c.assignStandby(id, s)
	if p != nil {
		c.attachOutputs(p)
	}
	return p
}

// attachOutputs sends what standby-born p printed, and prints from now on, to the
// writers of its worker id (the "[worker N]" prefix and the log store).
func (c *Cluster) attachOutputs(p *proc) {
	stdout, stderr := c.outputs(p.id)
	attachOutput(p.cmd.Stdout, stdout)
	attachOutput(p.cmd.Stderr, stderr)
}

// assignStandby is takeStandby without the output: it stays in the standby's
// late writers (an heir's until it is forked into, heir.go).
func (c *Cluster) assignStandby(id int, s *slot) *proc {
	if !c.standbyFits(s) {
		return nil
	}
	if len(c.standby.procs) == 0 {
		// None left, or none kept (this executable refused them, which a deploy
		// may have changed since): look again once forking calmed down.
		if c.standby.refill == nil {
			c.scheduleRefill(c.standbyBackoff())
		}
		return nil
	}
	defer c.scheduleRefill(standbyRefillDelay)
	if statExe(c.exe) != c.standby.exe { // a new binary: spares of the old one are stale
		c.dropStandbys()
		return nil
	}
	i := max(slices.IndexFunc(c.standby.procs, func(p *proc) bool { return p.warm }), 0)
	p := c.standby.procs[i]
	c.standby.procs = slices.Delete(c.standby.procs, i, i+1)
	if err := p.out.send(&frame{T: frameAssign, ID: id}); err != nil {
		p.intentional = true // it is gone already; its exit ends it as a standby
		p.signal(syscall.SIGKILL)
		return nil
	}
	p.standby, p.fromStandby = false, true
	p.id, p.slot, p.startedAt = id, s.n, c.clock.Now()
	return p
}

// scheduleRefill (re)arms the refill after d: every fork that took a standby
// pushes it back, so spares start once forking calmed down.
func (c *Cluster) scheduleRefill(d time.Duration) {
	if !c.standbyOn() || c.closing {
		return
	}
	c.standby.refill.stop()
	c.standby.refill = c.after(d, c.refillStandby)
}

// refillStandby starts one standby, and schedules the next while there are fewer
// than Options.Standby.
func (c *Cluster) refillStandby() {
	c.standby.refill = nil
	exe := statExe(c.exe)
	if c.closing || exe == c.standby.refused || len(c.standby.procs) >= c.opts.Standby {
		return
	}
	if exe != c.standby.exe {
		c.dropStandbys()
		c.standby.exe = exe
	}
	p, err := c.startStandby()
	if err != nil {
		c.opts.Logger.Warn("standby not started", "err", err)
		c.standby.failures++
		c.scheduleRefill(c.standbyBackoff())
		return
	}
	c.standby.procs = append(c.standby.procs, p)
	if len(c.standby.procs) < c.opts.Standby {
		c.scheduleRefill(standbyRefillStep)
	}
}

func (c *Cluster) startStandby() (*proc, error) {
	var stdout, stderr io.Writer
	if !c.opts.Silent {
		stdout, stderr = &lateWriter{}, &lateWriter{}
	}
	p, err := c.startProc([]string{EnvWorkerID + "=" + StandbyID}, stdout, stderr)
	if err != nil {
		return nil, fmt.Errorf("start standby: %w", err)
	}
	p.standby = true
	return p, nil
}

// standbyBackoff is how long to wait before the next standby after failures:
// a binary whose spares keep dying must not be restarted in a tight loop.
func (c *Cluster) standbyBackoff() time.Duration {
	n := min(c.standby.failures, 9) // 100 ms << 9 is past the cap
	return min(standbyRefillDelay<<n, standbyMaxBackoff)
}

// dropStandbys kills every standby (they have nothing to finish); each stays in
// c.unreaped until onExit reaps it.
func (c *Cluster) dropStandbys() {
	for _, p := range c.standby.procs {
		p.intentional = true
		p.signal(syscall.SIGKILL)
	}
	c.standby.procs = nil
	c.standby.refill.stop()
	c.standby.refill = nil
}

// onStandbyFrames handles what a standby sends before it is a worker: one
// "standby" frame saying it is ready. Anything else means the executable does not
// know standbys (a worker of an older gocluster says hello at once): the standby
// is killed and this executable gets none again.
func (c *Cluster) onStandbyFrames(p *proc, frames []frame) {
	for i := range frames {
		closeFiles(frames[i].files)
		if frames[i].T == frameStandby && !p.warm {
			p.warm = true
			c.standby.failures = 0
			continue
		}
		if !p.intentional {
			c.opts.Logger.Warn("the worker executable does not support standbys; forking without them",
				"exe", c.exe, "frame", frames[i].T)
			c.standby.refused = c.standby.exe
			c.dropStandbys()
		}
		return
	}
}

// onStandbyExit handles a reaped standby that never became a worker.
func (c *Cluster) onStandbyExit(p *proc) {
	p.conn.Close()
	p.out.close()
	close(p.exited)
	flushStandbyOutput(p, c.opts.Output)
	if i := slices.Index(c.standby.procs, p); i >= 0 {
		c.standby.procs = slices.Delete(c.standby.procs, i, i+1)
	}
	if p.intentional || c.closing {
		return
	}
	if !p.warm {
		c.standby.failures++
	}
	c.scheduleRefill(c.standbyBackoff())
}

// standbyCount is the number of standbys ready to become workers.
func (c *Cluster) standbyCount() int {
	n := 0
	for _, p := range c.standby.procs {
		if p.warm {
			n++
		}
	}
	return n
}

// flushStandbyOutput writes what a standby printed before it died unassigned
// (a panic in an init, say), prefixed with its pid, so that it is not lost.
func flushStandbyOutput(p *proc, out io.Writer) {
	for _, w := range []io.Writer{p.cmd.Stdout, p.cmd.Stderr} {
		if lw, ok := w.(*lateWriter); ok {
			lw.attach(&prefixWriter{dst: out, prefix: fmt.Appendf(nil, "[standby pid %d] ", p.pid)})
			lw.flush()
		}
	}
}
