package cluster

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// ListenOptions change how a worker listens.
type ListenOptions struct {
	// Exclusive listens in the worker itself instead of sharing the primary's
	// server (Node's listen({exclusive: true})). The primary still gets a
	// listening event, with mode "exclusive".
	Exclusive bool
}

// Listen returns a listener for a server, Node's server.listen() in a worker: the
// primary opens one server per distinct address and shares it with every worker that
// listens on that address (port 0: one random port, the same for all). In os mode
// the listener is the shared socket itself; in rr and sticky mode the primary
// accepts and the listener yields the connections it passes, so a net/http server
// needs no change either way. Outside a worker it is net.Listen(network, addr), so
// the same server code runs with or without a primary.
func Listen(network, addr string) (net.Listener, error) {
	return ListenWith(network, addr, ListenOptions{})
}

// ListenWith is Listen with options.
func ListenWith(network, addr string, opts ListenOptions) (net.Listener, error) {
	if !IsWorker() {
		return net.Listen(network, addr)
	}
	m, err := Join()
	if err != nil {
		return nil, err
	}
	if opts.Exclusive {
		ln, err := net.Listen(network, addr)
		if err != nil {
			return nil, err
		}
		m.track(ln)
		m.out.send(&frame{T: frameListening, Addr: ln.Addr().String(), Net: network, Excl: true})
		return ln, nil
	}
	return m.listenShared(network, addr)
}

// listenReply is the primary's answer to a listen frame, as the read loop made it.
type listenReply struct {
	ln   net.Listener
	mode string
	err  error
}

// listenShared asks the primary for the server on addr and waits for the answer.
func (m *Member) listenShared(network, addr string) (net.Listener, error) {
	ch := make(chan listenReply, 1)
	m.mu.Lock()
	m.nextReq++
	req := m.nextReq
	if m.reqs == nil {
		m.reqs = map[int]chan listenReply{}
	}
	m.reqs[req] = ch
	m.mu.Unlock()
	if err := m.out.send(&frame{T: frameListen, Req: req, Net: network, Addr: addr}); err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	var r listenReply
	select {
	case r = <-ch:
	case <-m.disconnected:
		select {
		case r = <-ch:
			// The answer came before the request to leave (the read loop handles
			// frames in order), and the primary may have passed connections with
			// it: the listener is returned closed (track), and Accept yields them.
		default:
			return nil, fmt.Errorf("listen %s: %w: the primary asked this worker to leave", addr, net.ErrClosed)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, r.err)
	}
	m.track(r.ln)
	m.out.send(&frame{T: frameListening, Addr: r.ln.Addr().String(), Net: network, Mode: r.mode,
		Srv: srvOf(r.ln)})
	return newLeaveListener(r.ln, m.disconnected), nil
}

func srvOf(ln net.Listener) int {
	if p, ok := ln.(*passedListener); ok {
		return p.srv
	}
	return 0
}

// track keeps a listener to close when the primary disconnects this worker. A
// listener whose answer crossed the request to leave is closed at once: the read
// loop may have closed the others before this one was tracked.
func (m *Member) track(ln net.Listener) {
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-m.disconnected:
		closeForLeave(ln)
	default:
		m.listeners = append(m.listeners, ln)
	}
}

// closeForLeave closes a listener because the primary asked this worker to leave.
// A passed listener still yields the connections the primary passed before it
// sent disconnect, so a server's Accept loop takes and serves them rather than
// dropping them (they were accepted from clients already).
func closeForLeave(ln net.Listener) {
	if p, ok := ln.(*passedListener); ok {
		p.closeKeepingQueued()
		return
	}
	ln.Close()
}

// onServer builds the listener a server frame describes and hands it to the Listen
// waiting for it. It runs on the read loop, so that the listener exists before the
// conn frames that follow.
func (m *Member) onServer(f *frame) {
	m.mu.Lock()
	ch := m.reqs[f.Req]
	delete(m.reqs, f.Req)
	m.mu.Unlock()
	r := listenReply{mode: f.Mode}
	switch {
	case f.Err != "":
		r.err = errors.New(f.Err)
	case len(f.files) == 1:
		r.ln, r.err = net.FileListener(f.files[0])
	default:
		r.ln, r.err = m.newPassedListener(f)
	}
	closeFiles(f.files)
	if ch == nil { // nobody asked: a confused primary
		if r.ln != nil {
			r.ln.Close()
		}
		return
	}
	ch <- r
}

// onConn hands a passed connection to its server's listener, or closes it when
// that listener is gone.
func (m *Member) onConn(f *frame) {
	if len(f.files) != 1 {
		closeFiles(f.files)
		return
	}
	c, err := net.FileConn(f.files[0])
	f.files[0].Close()
	if err != nil {
		return
	}
	m.mu.Lock()
	l := m.passed[f.Srv]
	m.mu.Unlock()
	if l == nil || !l.push(c) {
		c.Close()
	}
}

// passedListener is a worker's listener on a server whose connections the primary
// accepts and passes (rr, sticky).
type passedListener struct {
	m     *Member
	srv   int
	addr  net.Addr
	conns chan net.Conn

	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

// passedBacklog bounds the passed connections waiting for Accept: beyond it they
// are closed, as a full kernel backlog refuses them.
const passedBacklog = 1024

func (m *Member) newPassedListener(f *frame) (net.Listener, error) {
	addr, err := resolveAddr(f.Net, f.Addr)
	if err != nil {
		return nil, err
	}
	l := &passedListener{m: m, srv: f.Srv, addr: addr, conns: make(chan net.Conn, passedBacklog),
		done: make(chan struct{})}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.passed == nil {
		m.passed = map[int]*passedListener{}
	}
	if old := m.passed[f.Srv]; old != nil && !old.isClosed() {
		return nil, fmt.Errorf("%w: this worker already listens on %s", ErrInvalid, f.Addr)
	}
	m.passed[f.Srv] = l
	return l, nil
}

func resolveAddr(network, addr string) (net.Addr, error) {
	if network == "unix" {
		return &net.UnixAddr{Name: addr, Net: "unix"}, nil
	}
	return net.ResolveTCPAddr(cmpOrString(network, "tcp"), addr)
}

func (l *passedListener) push(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	select {
	case l.conns <- c:
		return true
	default:
		return false
	}
}

// Accept waits for the next connection the primary passes. After the primary
// asked this worker to leave it still returns those already passed, then
// net.ErrClosed.
func (l *passedListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		select {
		case c := <-l.conns:
			return c, nil
		default:
		}
		return nil, &net.OpError{Op: "accept", Net: l.addr.Network(), Addr: l.addr, Err: net.ErrClosed}
	}
}

// Close stops this worker's share of the server: the primary is told to pass it no
// more connections, and those waiting for Accept are closed.
func (l *passedListener) Close() error {
	if !l.markClosed() {
		return nil
	}
	for {
		select {
		case c := <-l.conns:
			c.Close()
		default:
			l.m.out.send(&frame{T: frameUnlisten, Srv: l.srv})
			return nil
		}
	}
}

// closeKeepingQueued closes like Close but leaves the connections already passed
// for Accept (see closeForLeave). The primary took this worker off the server
// before it sent disconnect, so no unlisten is needed and none come after them.
func (l *passedListener) closeKeepingQueued() { l.markClosed() }

// markClosed refuses further connections and wakes Accept; false if it was closed.
func (l *passedListener) markClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.closed = true
	close(l.done)
	return true
}

func (l *passedListener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Addr is the server's address in the primary.
func (l *passedListener) Addr() net.Addr { return l.addr }
