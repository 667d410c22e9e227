package e2e

import (
	"io"
	"net"
	"sync"
	"testing"
)

// proxy is a TCP relay on 127.0.0.1 in front of the server, so a test can cut the
// browser's connections - the WebSocket included, which httptest does not track
// once it is hijacked - and refuse new ones for a while, as a server restart or a
// network drop would.
type proxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup // the accept loop and every relay

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	down  bool
}

// startProxy relays to target until the end of the test.
func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's base URL.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		if !p.track(c) {
			c.Close() // down: the browser sees the connection dropped at once
			continue
		}
		p.wg.Go(func() { p.relay(c) })
	}
}

// relay copies between the browser's connection c and a new one to the server until
// either side ends or cut closes them.
func (p *proxy) relay(c net.Conn) {
	defer p.forget(c)
	s, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(s) {
		if s != nil {
			s.Close()
		}
		return
	}
	defer p.forget(s)
	done := make(chan struct{})
	go func() { // owned by relay, which waits for it below
		io.Copy(s, c)
		s.Close()
		close(done)
	}()
	io.Copy(c, s)
	c.Close()
	s.Close()
	<-done
}

// track records an open connection; false when the proxy is down.
func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) forget(c net.Conn) {
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// cut closes every open connection and refuses new ones until restore.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
}

// restore lets connections through again.
func (p *proxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// close stops the proxy and waits for its goroutines.
func (p *proxy) close() {
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}
