package cluster

import (
	"net"
	"sync"
	"time"
)

// LeaveGrace bounds how long a worker's listener, once the primary asked the worker
// to leave, holds back its final Accept error for connections it handed out that
// have not answered yet (see leaveListener).
const LeaveGrace = 5 * time.Second

// leaveListener makes a rolling restart lossless for a net/http server without any
// change to it. net/http drops a connection whose first request it reads after
// Shutdown began (it returns without an answer), and a server calls Shutdown once
// Serve returns, that is once Accept failed. So after the primary asked this worker
// to leave, Accept fails only when every connection it handed out has answered
// once (written something) or was closed, or after LeaveGrace: a request that came
// on a connection accepted just before the leave is answered, not dropped.
type leaveListener struct {
	net.Listener
	leaving <-chan struct{}

	mu         sync.Mutex
	unanswered int
	changed    chan struct{} // closed and replaced whenever unanswered drops
}

func newLeaveListener(ln net.Listener, leaving <-chan struct{}) *leaveListener {
	return &leaveListener{Listener: ln, leaving: leaving, changed: make(chan struct{})}
}

// Accept returns the next connection, wrapped so its first answer is seen.
func (l *leaveListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		select {
		case <-l.leaving:
			l.awaitAnswers(time.Now().Add(LeaveGrace))
		default:
		}
		return nil, err
	}
	l.mu.Lock()
	l.unanswered++
	l.mu.Unlock()
	return &answerConn{Conn: c, l: l}, nil
}

// awaitAnswers waits until every handed-out connection answered, or deadline.
func (l *leaveListener) awaitAnswers(deadline time.Time) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		l.mu.Lock()
		n, changed := l.unanswered, l.changed
		l.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		}
	}
}

func (l *leaveListener) answered() {
	l.mu.Lock()
	l.unanswered--
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// answerConn is a connection from a leaveListener: its first Write or its Close
// counts as its answer.
type answerConn struct {
	net.Conn
	l    *leaveListener
	once sync.Once
}

func (c *answerConn) answer() { c.once.Do(c.l.answered) }

func (c *answerConn) Write(b []byte) (int, error) {
	c.answer()
	return c.Conn.Write(b)
}

func (c *answerConn) Close() error {
	c.answer()
	return c.Conn.Close()
}

// CloseWrite keeps the half-close net/http uses on TCP connections.
func (c *answerConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}
