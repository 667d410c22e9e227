package cluster

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
)

// HostLink starts workers on another host. The cluster package knows nothing of
// how: package fleet implements it over NATS. A remote worker is a member of this
// pool like a local one (its slot, restart policy, prefetch window, retries); only
// its process and the bytes of its IPC channel live elsewhere.
type HostLink interface {
	// StartWorker asks the host to start w. It must not block on the network:
	// it runs on the pool goroutine. A worker that never starts is reported by
	// its process's Wait.
	StartWorker(w RemoteWorker) (RemoteProcess, error)
}

// RemoteWorker is what a HostLink needs to start one worker.
type RemoteWorker struct {
	Host string
	ID   int
	// Env is the worker's role environment (GOCLUSTER_WORKER_ID and the limits)
	// plus its slot's; the host adds its own.
	Env []string
	// Conn is the pool's end of the worker's IPC channel as a byte stream: the
	// link relays what it reads to the worker's IPC and writes what the worker
	// sends. The link owns it and closes it when the worker is gone.
	Conn net.Conn
	// Stdout and Stderr receive the worker's output (nil: dropped).
	Stdout, Stderr io.Writer
}

// RemoteProcess is a worker process on another host.
type RemoteProcess interface {
	// Signal asks the host to send sig to the worker.
	Signal(sig syscall.Signal)
	// Close gives up on the worker (its host is lost): the link stops relaying,
	// closes Conn, and Wait returns with Lost set.
	Close()
	// Wait blocks until the worker exited (as its host reports) or was given up.
	Wait() RemoteExit
}

// RemoteExit is how a remote worker ended: Code, or Signal's name, or Lost.
type RemoteExit struct {
	Code   int
	Signal string
	Lost   bool
}

// ReasonHostLost is the worker.exit Reason of a worker whose host was lost.
const ReasonHostLost = "host_lost"

// spawnRemote starts worker id of slot s on the slot's host through its link.
func (c *Cluster) spawnRemote(id int, s *slot, h *hostState) (*proc, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	ours, theirs, err := connPair(fds)
	if err != nil {
		return nil, err
	}
	stdout, stderr := c.outputs(id)
	env := append([]string{EnvWorkerID + "=" + strconv.Itoa(id),
		EnvMaxFrame + "=" + strconv.Itoa(c.opts.MaxFrame),
		EnvMaxJobBytes + "=" + strconv.Itoa(c.opts.Jobs.MaxValueBytes)}, s.env...)
	rp, err := h.link.StartWorker(RemoteWorker{Host: h.name, ID: id, Env: env, Conn: theirs,
		Stdout: stdout, Stderr: stderr})
	if err != nil {
		ours.Close()
		theirs.Close()
		return nil, fmt.Errorf("start worker %d on host %s: %w", id, h.name, err)
	}
	p := &proc{id: id, slot: s.n, conn: ours, remote: rp, host: h.name, outw: [2]io.Writer{stdout, stderr},
		out: newFrameWriter(ours, c.opts.SendQueueLimit), state: StateStarting,
		startedAt: c.clock.Now(), online: make(chan struct{}), exited: make(chan struct{}),
		readDone: make(chan struct{}), readyCh: make(chan struct{})}
	p.out.maxFrame = c.opts.MaxFrame
	c.watch(p)
	return p, nil
}

// connPair turns a socketpair into the pool's *net.UnixConn and the link's net.Conn.
func connPair(fds [2]int) (*net.UnixConn, net.Conn, error) {
	files := [2]*os.File{os.NewFile(uintptr(fds[0]), "ipc-primary"), os.NewFile(uintptr(fds[1]), "ipc-remote")}
	defer files[0].Close()
	defer files[1].Close()
	a, err := net.FileConn(files[0])
	if err != nil {
		return nil, nil, fmt.Errorf("ipc conn: %w", err)
	}
	b, err := net.FileConn(files[1])
	if err != nil {
		a.Close()
		return nil, nil, fmt.Errorf("ipc conn: %w", err)
	}
	return a.(*net.UnixConn), b, nil
}

// waitRemote is waitLoop for a remote worker: its host reports the exit.
func (c *Cluster) waitRemote(p *proc) {
	p.rexit = p.remote.Wait()
	for _, w := range p.outw {
		if f, ok := w.(flusher); ok {
			f.flush()
		}
	}
	c.logs.exit(p.id)
	select {
	case <-p.readDone: // the link closed Conn before Wait returned
	case <-time.After(time.Second):
		p.conn.Close()
		<-p.readDone
	}
	c.post(func() { c.onExit(p) })
}
