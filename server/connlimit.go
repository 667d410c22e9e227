package server

import (
	"log/slog"
	"net"
	"sync"
	"time"
)

// LimitListener caps the connections ln holds open at once: at most perIP from one
// client address, and at most total in all. A connection over either cap is closed
// as soon as it is accepted, without a word: a client that opens hundreds of
// connections and trickles bytes into them (or never sends anything) cannot use up
// the process's file descriptors, which the pool needs to restart its workers. A
// cap of 0 or less is no cap. Refusals are logged at most once a second.
func LimitListener(ln net.Listener, perIP, total int, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.Default()
	}
	return &limitListener{Listener: ln, perIP: perIP, total: total, log: log, byIP: map[string]int{}}
}

type limitListener struct {
	net.Listener
	perIP, total int
	log          *slog.Logger

	mu         sync.Mutex
	open       int
	byIP       map[string]int
	lastLog    time.Time
	suppressed int
}

// Accept returns the next connection within the caps, closing those over them.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		if l.admit(ip) {
			return &limitedConn{Conn: c, l: l, ip: ip}, nil
		}
		c.Close()
	}
}

// admit counts a new connection from ip, or says it is over a cap.
func (l *limitListener) admit(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	why := ""
	switch {
	case l.total > 0 && l.open >= l.total:
		why = "the server holds its most connections"
	case l.perIP > 0 && l.byIP[ip] >= l.perIP:
		why = "this address holds its most connections"
	default:
		l.open++
		l.byIP[ip]++
		return true
	}
	l.suppressed++
	if now := time.Now(); now.Sub(l.lastLog) >= time.Second {
		l.log.Warn("connection refused", "remote", ip, "reason", why, "open", l.open,
			"max_conns", l.total, "max_conns_per_ip", l.perIP, "refused_since_last_log", l.suppressed)
		l.lastLog, l.suppressed = now, 0
	}
	return false
}

func (l *limitListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byIP[ip]--; l.byIP[ip] <= 0 {
		delete(l.byIP, ip)
	}
}

// limitedConn gives its place back once, on the first Close (a hijacked WebSocket
// connection is closed through it too).
type limitedConn struct {
	net.Conn
	l    *limitListener
	ip   string
	once sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() { c.l.release(c.ip) })
	return c.Conn.Close()
}

// hostOf is the IP of a TCP address, or the whole address of any other kind.
func hostOf(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.String()
	}
	return a.String()
}
