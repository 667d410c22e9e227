package cluster

import (
	"fmt"
	"net"
	"strconv"
	"syscall"
	"time"
)

// A worker is ready when it can serve: Restart retires a predecessor only once its
// replacement is ready, WaitReady waits for it, and Options.StartTimeout bounds it.
//
//   - A protocol worker in a pool with its own server (Options.Listen,
//     Cluster.Listen) is ready at its first listening frame, or at a ready frame;
//     in any other pool at its hello (online).
//   - A plain worker with a PORT is ready when 127.0.0.1:PORT accepts a connection.
//     On the pool's shared socket, or with no port, nothing can tell (the primary's
//     socket accepts connections whoever serves them; the kernel queues them until
//     the program accepts): it is ready once started.
//   - Options.ReadyDelay, if set, makes a worker ready that long after it came
//     online, unless a signal above came sooner; for a plain worker with nothing to
//     watch it replaces "once started".

// readySignal says whether p's readiness waits for something it will do; false:
// ready once online (after ReadyDelay, if set).
func (c *Cluster) readySignal(p *proc) bool {
	if p.plain {
		return p.port > 0
	}
	return c.listen != nil
}

// armStart starts the start timeout of a forked worker.
func (c *Cluster) armStart(p *proc) {
	if c.opts.StartTimeout > 0 {
		p.startTimer = c.after(c.opts.StartTimeout, func() { c.startTimedOut(p) })
	}
}

// onOnline runs when a worker came online (a plain one: at fork) and arranges for
// it to become ready.
func (c *Cluster) onOnline(p *proc) {
	if c.opts.ReadyDelay > 0 {
		p.readyTimer = c.after(c.opts.ReadyDelay, func() { c.markReady(p) })
	}
	switch {
	case p.plain && p.port > 0:
		go c.probePort(p, net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)))
	case !c.readySignal(p) && c.opts.ReadyDelay <= 0:
		c.markReady(p)
	}
}

// markReady records that p serves; a plain worker's readiness is its listening
// event (a protocol worker sent its own).
func (c *Cluster) markReady(p *proc) {
	if p.ready || p.state == StateDead || p.errReason != "" {
		return
	}
	p.ready = true
	close(p.readyCh)
	c.retirePredecessor(p)
	p.startTimer.stop()
	p.readyTimer.stop()
	if p.plain {
		c.publishPlainListening(p)
	}
}

func (c *Cluster) publishPlainListening(p *proc) {
	ev := Event{Type: EventListening, Worker: p.id, PID: p.pid, Mode: string(BalanceOS)}
	switch {
	case p.port > 0:
		ev.Addr, ev.Mode = net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)), modePort
	case c.listen != nil:
		ev.Addr = c.listen.addr
	default:
		return // it serves nothing the pool knows of
	}
	p.listening = ev.Addr
	ev.Address, ev.Port, ev.Family = splitAddr("tcp", ev.Addr)
	c.publish(ev)
}

// modePort is a listening event's mode for a plain worker on its own PORT.
const modePort = "port"

// startTimedOut fails a start that did not become ready in time: the worker is
// killed, and its exit counts as a crash (backoff, crash-loop guard).
func (c *Cluster) startTimedOut(p *proc) {
	if p.ready || p.state == StateDead || p.errReason != "" {
		return
	}
	p.errReason = fmt.Sprintf("failed start: %s did not become ready within %s", p.name(), c.opts.StartTimeout)
	c.publish(Event{Type: EventError, Worker: p.id, PID: p.pid, Slot: p.slot, Error: p.errReason})
	c.opts.Logger.Warn("killing worker", "worker", p.id, "pid", p.pid, "err", p.errReason)
	p.signal(syscall.SIGKILL)
}

// probePort dials addr until it accepts, then marks p ready; it ends when p exits.
func (c *Cluster) probePort(p *proc, addr string) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			c.post(func() { c.markReady(p) })
			return
		}
		select {
		case <-p.exited:
			return
		case <-c.quit:
			return
		case <-tick.C:
		}
	}
}
