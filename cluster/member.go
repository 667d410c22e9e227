package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
)

// ErrNotWorker is returned by Join in a process that was not forked by a primary.
var ErrNotWorker = errors.New("not a worker: " + EnvWorkerID + " is not set")

// Member is a worker process's side of the cluster: Node's process.send and
// process.on('message') plus cluster.worker. There is one per worker process,
// because the IPC channel it owns (fd 3) is one per process.
type Member struct {
	id       int
	conn     *net.UnixConn
	out      *frameWriter
	maxFrame int // both ways: the primary's Options.MaxFrame, from GOCLUSTER_MAX_FRAME
	// maxJobBytes bounds a result: JobOptions.MaxValueBytes, from GOCLUSTER_MAX_JOB_BYTES.
	maxJobBytes int

	msgs         chan json.RawMessage
	handles      chan HandleMessage
	jobs         chan frame
	disconnected chan struct{}
	discOnce     sync.Once

	// assigned is closed when a standby got its id (standby_worker.go); nil in a
	// process started as a worker.
	assigned chan struct{}

	mu        sync.Mutex
	listeners []net.Listener
	passed    map[int]*passedListener // by server number: where conn frames go
	reqs      map[int]chan listenReply
	nextReq   int
	closed    bool // Close was called: the end of IPC is ours, not the primary's
}

var (
	joinOnce   sync.Once
	joined     *Member
	joinErr    error
	exitWorker = os.Exit // the worker's way out; a variable so tests of framing can stub it
)

// Join connects this worker to its primary and says hello (once; later calls of
// Join or JoinServing return the same Member). Its hello declares no job kinds: a
// worker that serves jobs joins with JoinServing (RunWorker does). In a process that
// is not a worker it returns ErrNotWorker.
func Join() (*Member, error) { return JoinServing(nil) }

// JoinServing is Join for a worker that serves the job kinds kinds (e.g.
// jobs.Registry.Infos), which its hello declares: the pool learns its kinds from
// the first worker's hello. Only the first call of Join or JoinServing says hello.
func JoinServing(kinds []KindInfo) (*Member, error) {
	joinOnce.Do(func() { joined, joinErr = join(kinds) })
	return joined, joinErr
}

func join(kinds []KindInfo) (*Member, error) {
	if !IsWorker() {
		return nil, ErrNotWorker
	}
	m := standbyMember // a standby opened its channel before it had an id
	if m == nil {
		var err error
		if m, err = openMember(WorkerID()); err != nil {
			return nil, err
		}
	}
	hello := frame{T: frameHello, V: ProtocolVersion, ID: m.id, PID: os.Getpid(), Kinds: kinds}
	if err := m.out.send(&hello); err != nil {
		return nil, fmt.Errorf("hello: %w", err)
	}
	if m != standbyMember {
		go m.readLoop()
	}
	setTitle(workerTitle(m.id)) // after the hello: not on the way to online
	return m, nil
}

// openMember opens the IPC channel the primary named and makes the Member of
// worker id; its reader is not started.
func openMember(id int) (*Member, error) {
	fd := ipcFDFromEnv()
	f := os.NewFile(uintptr(fd), "ipc")
	fc, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("open IPC fd %d: %w", fd, err)
	}
	conn, ok := fc.(*net.UnixConn)
	if !ok {
		return nil, fmt.Errorf("IPC fd %d is not a unix socket", fd)
	}
	m := &Member{id: id, conn: conn, out: newFrameWriter(conn, 0), maxFrame: maxFrameFromEnv(),
		maxJobBytes: maxJobBytesFromEnv(),
		msgs:        make(chan json.RawMessage, 4096), handles: make(chan HandleMessage, 256), jobs: make(chan frame, 4096),
		disconnected: make(chan struct{})}
	m.out.maxFrame = m.maxFrame
	return m, nil
}

// ID is this worker's id (Node's cluster.worker.id).
func (m *Member) ID() int { return m.id }

// Send delivers v, marshalled as JSON, to the primary; messages arrive in order. A
// message too large for the primary's frame limit is not sent: the error wraps
// ErrFrameTooLarge, and the worker carries on.
//
// Messages sent in a stream (less than 2 ms apart, with nothing received from the
// primary in between: one per HTTP request, say) may wait up to 2 ms to share one
// write; a message that answers one from the primary, or the first after a pause,
// goes at once, and none waits behind a later frame of another kind. Close sends
// what waits.
//
// With a handle (Node's process.send(msg, sendHandle)): an *os.File, net.Conn or
// net.Listener whose descriptor is copied to the primary with the message, for
// Options.OnHandle. The worker's own handle stays open.
func (m *Member) Send(v any, handle ...any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("message is not JSON-serialisable: %w", err)
	}
	f, err := handleFrame(b, handle)
	if err != nil {
		return err
	}
	return sendMsg(m.out, f)
}

// HandleMessages delivers the messages the primary sent with a handle, in their
// order (plain messages come on Messages). The receiver owns each handle. Up to
// 256 are buffered; beyond that the worker stops reading IPC until they are taken.
func (m *Member) HandleMessages() <-chan HandleMessage { return m.handles }

// Messages delivers what the primary sends with Worker.Send, in order. Up to 4096
// unread messages are buffered; beyond that the worker stops reading IPC until
// they are taken.
func (m *Member) Messages() <-chan json.RawMessage { return m.msgs }

// Disconnected is closed when the primary asked this worker to leave. Listeners
// from Listen are closed at that moment, as Node closes a worker's servers.
func (m *Member) Disconnected() <-chan struct{} { return m.disconnected }

// readLoop reads the primary's frames. EOF means the primary is gone: the worker
// exits at once, so no worker outlives its primary.
func (m *Member) readLoop() {
	fdr := newFDReader(m.conn)
	defer fdr.close()
	fr := newFrameReader(fdr, m.maxFrame)
	for {
		line, err := fr.next()
		if err != nil {
			m.mu.Lock()
			ours := m.closed
			m.mu.Unlock()
			if !ours {
				exitWorker(0)
			}
			return
		}
		f, err := decodeFrame(line)
		if err == nil && f.FDs != 0 {
			f.files, err = fdr.take(f.FDs)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocluster worker %d: %v\n", m.id, err)
			exitWorker(70)
			return
		}
		m.out.heardFrame() // before the frame reaches the worker's code: a reply is sent at once
		m.onFrame(f)
	}
}

func (m *Member) onFrame(f frame) {
	switch f.T {
	case frameMsg:
		if f.FDs == 0 {
			m.msgs <- f.D
			return
		}
		h, err := receivedHandle(&f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocluster worker %d: %v\n", m.id, err)
			return
		}
		m.handles <- HandleMessage{Data: f.D, Handle: h}
	case frameJob:
		m.jobs <- f
	case frameDisconnect:
		m.disconnect()
	case frameServer:
		m.onServer(&f)
	case frameConn:
		m.onConn(&f)
	case frameExit:
		m.out.close()
		exitWorker(f.Code)
	case frameAssign:
		m.onAssign(&f)
	}
}

func (m *Member) disconnect() {
	m.discOnce.Do(func() {
		close(m.disconnected)
		m.mu.Lock()
		for _, l := range m.listeners {
			closeForLeave(l)
		}
		m.mu.Unlock()
	})
}

// Close flushes what was sent and closes the IPC channel; the primary then sees this
// worker disconnect. Call it just before the worker exits.
func (m *Member) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.out.close()
	return m.conn.Close()
}
