package server

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Sign-in rate limit: a client IP whose credentials (bearer header, ?token, the
// cookie, the login form) were wrong signInMaxFailures times within signInWindow is
// answered 429 for the rest of that window, without its credentials being checked,
// so a guesser gets signInMaxFailures tries a minute. signInMaxIPs bounds the table:
// a flood of addresses evicts entries rather than growing memory.
const (
	signInMaxFailures = 10
	signInWindow      = time.Minute
	signInMaxIPs      = 10_000
)

// failureLimiter counts failed sign-ins per client IP in fixed windows. It is
// shared by the request goroutines, hence the mutex; it starts no goroutine: stale
// entries are swept when the table is full.
type failureLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	cap    int
	now    func() time.Time
	ips    map[string]*failureWindow
}

// failureWindow is one IP's failures since start.
type failureWindow struct {
	n     int
	start time.Time
}

func newFailureLimiter() *failureLimiter {
	return &failureLimiter{max: signInMaxFailures, window: signInWindow, cap: signInMaxIPs,
		now: time.Now, ips: map[string]*failureWindow{}}
}

// blocked reports whether ip has used up its failures, and for how long still.
func (l *failureLimiter) blocked(ip string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.ips[ip]
	if f == nil || f.n < l.max {
		return 0, false
	}
	left := l.window - l.now().Sub(f.start)
	if left <= 0 {
		delete(l.ips, ip)
		return 0, false
	}
	return left, true
}

// fail counts one failure of ip, opening a new window when the last one ended.
func (l *failureLimiter) fail(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.ips[ip]
	if f == nil || now.Sub(f.start) >= l.window {
		l.makeRoom()
		f = &failureWindow{start: now}
		l.ips[ip] = f
	}
	f.n++
}

// makeRoom keeps the table under its cap: first the ended windows go, then, if a
// flood of addresses filled it within one window, arbitrary ones. Evicting lets an
// address guess again early, but only an attacker with thousands of addresses, who
// has as many windows anyway.
func (l *failureLimiter) makeRoom() {
	if len(l.ips) < l.cap {
		return
	}
	now := l.now()
	for ip, f := range l.ips {
		if now.Sub(f.start) >= l.window {
			delete(l.ips, ip)
		}
	}
	for ip := range l.ips {
		if len(l.ips) < l.cap {
			return
		}
		delete(l.ips, ip)
	}
}

// clientIP is the address the request came from. Forwarded headers are not
// trusted: anyone can send them. Behind a proxy every client shares the proxy's
// address, and so its limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiterKey is what failed sign-ins are counted by: the client's IPv4 address, or
// the /64 of an IPv6 one, since one IPv6 host commonly holds a whole /64 and would
// otherwise get a fresh set of tries from each of its addresses.
func limiterKey(r *http.Request) string {
	ip, err := netip.ParseAddr(clientIP(r))
	if err != nil || ip.Unmap().Is4() {
		return clientIP(r)
	}
	p, _ := ip.Prefix(64)
	return p.String()
}
