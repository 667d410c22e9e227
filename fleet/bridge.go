package fleet

import (
	"sync"
	"syscall"

	"github.com/gocluster/gocluster/cluster"
)

// bridge is the primary's side of one remote worker: cluster.RemoteProcess. It
// relays the pool's end of the worker's IPC (conn) to the agent and back. One
// goroutine reads conn and publishes; one writes what the agent sent, in order,
// and ends the bridge at the agent's exit report, after the bytes before it.
type bridge struct {
	f    *Primary
	host string
	id   int
	w    cluster.RemoteWorker

	in       chan bridgeMsg // from the agent, in NATS order
	done     chan struct{}  // closed when the bridge ended: Wait returns
	stopOnce sync.Once
	exit     cluster.RemoteExit // set before done is closed
	readDone chan struct{}
}

// bridgeMsg is bytes for the worker, or (exit != nil) its end.
type bridgeMsg struct {
	b    []byte
	exit *cluster.RemoteExit
}

func newBridge(f *Primary, host string, w cluster.RemoteWorker) *bridge {
	return &bridge{f: f, host: host, id: w.ID, w: w, in: make(chan bridgeMsg, 1024),
		done: make(chan struct{}), readDone: make(chan struct{})}
}

func (b *bridge) start() {
	go b.readLoop()
	go b.writeLoop()
}

// readLoop publishes what the pool writes to the worker, up to chunk bytes a
// message: frames queued together travel together.
func (b *bridge) readLoop() {
	defer close(b.readDone)
	subj := hostSubject(b.host, "w."+itoa(b.id))
	buf := make([]byte, chunk)
	for {
		n, err := b.w.Conn.Read(buf)
		if n > 0 {
			if perr := b.f.nc.Publish(subj, append([]byte(nil), buf[:n]...)); perr != nil {
				b.f.log.Warn("fleet: relay to agent", "host", b.host, "worker", b.id, "err", perr)
			}
		}
		if err != nil {
			return
		}
	}
}

// writeLoop writes the agent's bytes to the pool, then ends at the exit report.
func (b *bridge) writeLoop() {
	for {
		select {
		case m := <-b.in:
			if m.exit != nil {
				b.end(*m.exit)
				return
			}
			if _, err := b.w.Conn.Write(m.b); err != nil {
				b.end(cluster.RemoteExit{Lost: true})
				return
			}
		case <-b.done:
			return
		}
	}
}

// deliver queues a message from the agent; false when the bridge already ended
// (the message is late and dropped).
func (b *bridge) deliver(m bridgeMsg) bool {
	select {
	case <-b.done:
		return false
	default:
	}
	select {
	case b.in <- m:
		return true
	case <-b.done:
		return false
	}
}

// end closes the pool's IPC end and lets Wait return; the first call decides.
func (b *bridge) end(ex cluster.RemoteExit) {
	b.stopOnce.Do(func() {
		b.exit = ex
		b.w.Conn.Close()
		b.f.forget(b)
		close(b.done)
	})
}

// Signal asks the agent to signal the worker.
func (b *bridge) Signal(sig syscall.Signal) {
	b.f.publishJSON(hostSubject(b.host, "kill"), kill{ID: b.id, Signal: int(sig)})
}

// Close gives the worker up: its host is lost.
func (b *bridge) Close() { b.end(cluster.RemoteExit{Lost: true}) }

// Wait returns how the worker ended.
func (b *bridge) Wait() cluster.RemoteExit {
	<-b.done
	<-b.readDone
	return b.exit
}

var _ cluster.RemoteProcess = (*bridge)(nil)
