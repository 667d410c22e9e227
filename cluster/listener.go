package cluster

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// sharedListener is the socket the primary opened once and hands to every worker.
type sharedListener struct {
	file *os.File
	addr string
	ln   net.Listener
}

func (l *sharedListener) close() {
	l.file.Close()
	l.ln.Close()
}

// listenShared opens the primary's listening socket.
func listenShared(network, addr string) (*sharedListener, error) {
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	var f *os.File
	switch l := ln.(type) {
	case *net.TCPListener:
		f, err = l.File()
	case *net.UnixListener:
		f, err = l.File()
	default:
		err = fmt.Errorf("cannot share a %T", ln)
	}
	if err != nil {
		ln.Close()
		return nil, err
	}
	return &sharedListener{file: f, addr: ln.Addr().String(), ln: ln}, nil
}

// Listen opens the pool's shared listening socket (Node's "workers share a server
// port"): workers forked from now on inherit it, and cluster.Listen in a worker
// returns it. It replaces an earlier one for later forks; Restart moves every
// worker to it.
func (c *Cluster) Listen(network, addr string) (net.Addr, error) {
	sl, err := listenShared(network, addr)
	if err != nil {
		return nil, err
	}
	if cerr := c.call(func() {
		if c.listen != nil {
			c.listen.close()
		}
		c.listen = sl
	}); cerr != nil {
		sl.close()
		return nil, cerr
	}
	return sl.ln.Addr(), nil
}

// Listen returns a listener for a server. In a worker forked with a shared socket it
// is that socket (whatever addr says: the primary chose it), and the primary is told
// the worker is listening; anywhere else it is net.Listen(network, addr), so the same
// server code runs with or without a primary.
func Listen(network, addr string) (net.Listener, error) {
	fdStr := os.Getenv(EnvListenFD)
	if !IsWorker() || fdStr == "" {
		return net.Listen(network, addr)
	}
	fd, err := strconv.Atoi(fdStr)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("bad %s %q", EnvListenFD, fdStr)
	}
	f := os.NewFile(uintptr(fd), "shared-listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("shared listener: %w", err)
	}
	if m, err := Join(); err == nil {
		m.mu.Lock()
		m.listeners = append(m.listeners, ln)
		m.mu.Unlock()
		m.out.send(&frame{T: frameListening, Addr: ln.Addr().String()})
	}
	return ln, nil
}
