package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// hostGuard defends against DNS rebinding. A page on evil.example can have its name
// re-resolved to 127.0.0.1; the browser then sends it to us as "same origin", with
// Host and Origin both evil.example, so neither the cross-origin check nor the
// WebSocket's Origin check notices. The Host header is the one thing the attacker
// cannot choose: it is the name in the address bar. So on a loopback bind without a
// token only Host values naming loopback are served, plus the names of
// Config.AllowedHosts (a reverse proxy's public name). Any port: a rebound page's
// Host is its own name whatever the port, and a forwarded port (ssh -L 9000:…)
// sends localhost:9000.
type hostGuard struct {
	port  string          // the bound port, as the Host header writes it
	names map[string]bool // allowed "host" (any port) and "host:port", lower case
}

// newHostGuard returns nil when no check applies: the bound address is unknown
// (Config.Addr empty, e.g. a Go program serving Handler itself), or it is not
// loopback or a token is set, and no AllowedHosts were given. A token stops
// rebinding by itself: the attacker's page has no cookie for its own name.
func newHostGuard(cfg Config) *hostGuard {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil
	}
	loop := loopbackHost(host) && cfg.Token == ""
	if !loop && len(cfg.AllowedHosts) == 0 {
		return nil
	}
	g := &hostGuard{port: port, names: map[string]bool{}}
	for _, h := range cfg.AllowedHosts {
		g.names[strings.ToLower(strings.TrimSpace(h))] = true
	}
	return g
}

// allows reports whether the Host header hostport may be served: a loopback name or
// address, a name of AllowedHosts, or none at all (an HTTP/1.0 request: browsers
// always send a Host).
func (g *hostGuard) allows(hostport string) bool {
	hostport = strings.ToLower(hostport)
	if hostport == "" || g.names[hostport] {
		return true
	}
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if g.names[host] {
		return true
	}
	return loopbackHost(host)
}

// loopbackHost reports whether host names only this machine: localhost or a
// loopback address. An IP literal cannot be rebound, so any loopback one is fine.
func loopbackHost(host string) bool {
	// Browsers resolve *.localhost to loopback themselves (RFC 6761), without DNS.
	if h := strings.ToLower(host); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// checkHost returns the middleware that refuses, with 421, a request whose Host the
// guard does not allow. /healthz and /readyz stay open to any Host: load balancers
// and container probes send names we cannot know, and they show only a status.
func (s *Server) checkHost() func(http.Handler) http.Handler {
	g := newHostGuard(s.cfg)
	return func(next http.Handler) http.Handler {
		if g == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || g.allows(r.Host) {
				next.ServeHTTP(w, r)
				return
			}
			s.refuse(w, r, "Unknown host name", fmt.Errorf("%w: this server answers to 127.0.0.1:%s, "+
				"localhost:%s and [::1]:%s, not to Host %q (a page on another name rebound to this "+
				"machine?); a proxy's name can be added with -allowed-hosts", errHostNotAllowed,
				g.port, g.port, g.port, clip(r.Host)))
		})
	}
}
