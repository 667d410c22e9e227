package cluster

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// The primary's servers, by address: every worker that asks to listen on an address
// shares the one server opened for it (Node's model). They belong to the pool
// goroutine, like the rest of the pool's state.
type servers struct {
	byKey map[string]*server // by network and address, as asked and as bound
	byID  map[int]*server
	next  int
}

func serverKey(network, addr string) string { return network + " " + addr }

// serverFor returns the server for an address, opening it on first use. Port 0
// opens one random port, which every later request for port 0 then shares.
func (c *Cluster) serverFor(network, addr string) (*server, error) {
	switch network {
	case "tcp", "tcp4", "tcp6", "unix":
	default:
		return nil, fmt.Errorf("%w: cannot share a %q listener: want tcp, tcp4, tcp6 or unix", ErrInvalid, network)
	}
	if s := c.srv.byKey[serverKey(network, addr)]; s != nil {
		return s, nil
	}
	return c.openServerOnLoop(network, addr)
}

// openServerOnLoop opens and registers a shared server. It runs on the pool
// goroutine, which owns c.srv, or in Start before that goroutine exists.
func (c *Cluster) openServerOnLoop(network, addr string) (*server, error) {
	if c.srv.byKey == nil {
		c.srv.byKey, c.srv.byID = map[string]*server{}, map[int]*server{}
	}
	c.srv.next++
	s, err := openServer(c.srv.next, network, addr, c.opts.Balance)
	if err != nil {
		return nil, err
	}
	c.srv.byKey[serverKey(network, addr)] = s
	c.srv.byKey[serverKey(network, s.addr)] = s
	c.srv.byID[s.id] = s
	return s, nil
}

// dropServer forgets s, so the next request for its address opens a new one, and
// closes it.
func (c *Cluster) dropServer(s *server) {
	for k, v := range c.srv.byKey {
		if v == s {
			delete(c.srv.byKey, k)
		}
	}
	delete(c.srv.byID, s.id)
	s.close()
}

// closeServers closes every server; Close calls it once the workers are gone.
func (c *Cluster) closeServers() {
	for _, s := range c.srv.byID {
		c.dropServer(s)
	}
}

// onListen answers a worker's listen frame: in os mode with the listening socket
// itself, otherwise with the server's number, and the worker then gets that
// server's connections in conn frames.
func (c *Cluster) onListen(p *proc, f *frame) {
	reply := frame{T: frameServer, Req: f.Req}
	s, err := c.serverFor(cmpOrString(f.Net, "tcp"), f.Addr)
	if err != nil {
		reply.Err = err.Error()
		p.out.send(&reply)
		return
	}
	reply.Srv, reply.Addr, reply.Mode, reply.Net = s.id, s.addr, string(s.mode), s.network
	if s.mode == BalanceOS {
		file, _, err := dupFile(s.file)
		if err != nil {
			reply.Err = err.Error()
			p.out.send(&reply)
			return
		}
		reply.files = []*os.File{file}
		if p.out.sendFiles(&reply) != nil {
			file.Close()
		}
		return
	}
	if p.out.send(&reply) == nil && p.state != StateStopping {
		s.join(p)
		p.servers = append(p.servers, s)
	}
}

// onUnlisten takes a worker off a server whose listener it closed.
func (c *Cluster) onUnlisten(p *proc, f *frame) {
	if s := c.srv.byID[f.Srv]; s != nil {
		s.leave(p)
	}
}

// leaveServers stops passing connections to a worker that is leaving or gone.
func (c *Cluster) leaveServers(p *proc) {
	for _, s := range p.servers {
		s.leave(p)
	}
	p.servers = nil
}

// onListening publishes a worker's listening event with Node's address fields.
func (c *Cluster) onListening(p *proc, f *frame) {
	p.listening = f.Addr
	ev := Event{Type: EventListening, Worker: p.id, PID: p.pid, Addr: f.Addr, Mode: f.Mode}
	if ev.Mode == "" {
		ev.Mode = string(BalanceOS) // a worker that predates modes accepts on fd 4
	}
	if f.Excl {
		ev.Mode = modeExclusive
	}
	ev.Address, ev.Port, ev.Family = splitAddr(cmpOrString(f.Net, "tcp"), f.Addr)
	c.publish(ev)
}

// splitAddr gives Node's address fields: host, port and "IPv4", "IPv6" or "unix".
func splitAddr(network, addr string) (host string, port int, family string) {
	if network == "unix" {
		return addr, 0, "unix"
	}
	h, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0, ""
	}
	port, _ = strconv.Atoi(ps)
	family = "IPv6"
	if ip := net.ParseIP(h); ip != nil && ip.To4() != nil {
		family = "IPv4"
	}
	return h, port, family
}

func cmpOrString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
