package cluster

import (
	"errors"
	"fmt"
	"hash/maphash"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// maxStickyClients bounds the client IPs a sticky server remembers.
const maxStickyClients = 1 << 16

// server is a listening socket the primary opened once and shares with every worker
// that listens on its address (Node's one server per address in the primary). In os
// mode the workers get the socket itself; in rr and sticky mode the primary accepts
// and passes each connection to one of them.
type server struct {
	id      int
	network string
	addr    string // the address it is bound to
	mode    Balance
	ln      net.Listener
	file    *os.File        // a copy of the socket: for os-mode workers, and the primary's accepts
	rc      syscall.RawConn // file's: a net.Listener's RawConn cannot wait to read

	mu      sync.Mutex
	cond    *sync.Cond // signalled when members join or the server closes
	members []*proc    // workers that listen on it (rr, sticky), in order of joining
	next    int
	sticky  map[[16]byte]int // client IP -> worker id
	seed    maphash.Seed
	closed  bool
	done    chan struct{} // the accept loop ended (closed at once in os mode)
}

// openServer listens on addr and, unless mode is os, starts accepting for workers.
func openServer(id int, network, addr string, mode Balance) (*server, error) {
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s %s: %w", network, addr, err)
	}
	s := &server{id: id, network: network, addr: ln.Addr().String(), mode: mode, ln: ln,
		done: make(chan struct{}), sticky: map[[16]byte]int{}, seed: maphash.MakeSeed()}
	s.cond = sync.NewCond(&s.mu)
	if err := s.openFile(); err != nil {
		ln.Close()
		return nil, err
	}
	if mode == BalanceOS {
		close(s.done)
	} else {
		go s.acceptLoop()
	}
	return s, nil
}

func (s *server) openFile() error {
	var err error
	switch l := s.ln.(type) {
	case *net.TCPListener:
		s.file, err = l.File()
	case *net.UnixListener:
		l.SetUnlinkOnClose(true)
		s.file, err = l.File()
	default:
		err = fmt.Errorf("cannot share a %T", s.ln)
	}
	if err == nil {
		s.rc, err = s.file.SyscallConn()
	}
	return err
}

// close stops accepting, closes the socket and waits for the accept loop;
// connections it held for a worker are closed.
func (s *server) close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	s.ln.Close()
	s.file.Close()
	<-s.done
}

// join adds a worker to those the primary passes connections to.
func (s *server) join(p *proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.members {
		if m == p {
			return
		}
	}
	s.members = append(s.members, p)
	s.cond.Broadcast()
}

// leave removes a worker: it is stopping, gone, or closed its listener. Clients
// stuck to it are mapped to another worker when they next connect.
func (s *server) leave(p *proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.members {
		if m == p {
			s.members = append(s.members[:i:i], s.members[i+1:]...)
			return
		}
	}
}

// acceptLoop accepts connections while some worker listens, and passes each on.
// Connections that come while none does wait in the kernel's backlog.
func (s *server) acceptLoop() {
	defer close(s.done)
	for s.waitMember() {
		fd, client, err := s.accept()
		switch {
		case err == nil:
			s.hand(os.NewFile(uintptr(fd), "conn"), client)
		case errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrClosed):
			return
		case errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EINTR):
		default: // out of descriptors, or worse: let some close rather than spin
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// waitMember waits until a worker listens; false once the server closed.
func (s *server) waitMember() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.members) == 0 && !s.closed {
		s.cond.Wait()
	}
	return !s.closed
}

// accept takes one connection with accept4 on the raw socket: no net.Conn is built
// for a descriptor that only passes through. client is the peer's IP in 16 bytes.
func (s *server) accept() (fd int, client [16]byte, err error) {
	var aerr error
	var sa syscall.Sockaddr
	err = s.rc.Read(func(lfd uintptr) bool {
		fd, sa, aerr = syscall.Accept4(int(lfd), syscall.SOCK_CLOEXEC)
		return aerr != syscall.EAGAIN
	})
	if err == nil {
		err = aerr
	}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		copy(client[12:], a.Addr[:])
		client[10], client[11] = 0xff, 0xff
	case *syscall.SockaddrInet6:
		client = a.Addr
	}
	return fd, client, err
}

// hand passes a connection to a worker; one whose channel refuses it is skipped.
// With no worker left to take it, the connection is closed. It holds the lock from
// the pick to the queued send, so that once leave returned no further connection is
// queued for that worker: the primary sends a retiring worker its disconnect frame
// after leave, and every connection it was passed then comes before that frame.
func (s *server) hand(f *os.File, client [16]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tries := 0; ; tries++ {
		p, n := s.pickLocked(client)
		if p == nil || tries > n {
			f.Close()
			return
		}
		if err := p.out.sendFiles(&frame{T: frameConn, Srv: s.id, files: []*os.File{f}}); err == nil {
			return
		}
		if s.mode == BalanceSticky {
			delete(s.sticky, client)
		}
	}
}

// pickLocked chooses the worker for a client and says how many listen; nil once
// closed. s.mu is held (and released while it waits for a member).
func (s *server) pickLocked(client [16]byte) (*proc, int) {
	for len(s.members) == 0 && !s.closed {
		s.cond.Wait()
	}
	if s.closed {
		return nil, 0
	}
	n := len(s.members)
	if s.mode != BalanceSticky {
		s.next++
		return s.members[s.next%n], n
	}
	if id, ok := s.sticky[client]; ok {
		for _, m := range s.members {
			if m.id == id {
				return m, n
			}
		}
	}
	if len(s.sticky) >= maxStickyClients {
		return s.members[maphash.Bytes(s.seed, client[:])%uint64(n)], n
	}
	s.next++
	p := s.members[s.next%n]
	s.sticky[client] = p.id
	return p, n
}
