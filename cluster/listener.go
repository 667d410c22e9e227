package cluster

import (
	"net"
)

// Listen opens the pool's own shared server (Node's "workers share a server port"):
// workers forked from now on find its address in GOCLUSTER_LISTEN_ADDR (and, in os
// mode, the socket itself on fd 4), and a worker's cluster.Listen on that address,
// or on the address as given here, shares it. It replaces an earlier one, which is
// closed; Restart moves every worker to it.
func (c *Cluster) Listen(network, addr string) (net.Addr, error) {
	var s *server
	var err error
	if cerr := c.call(func() {
		var old *server
		if c.listen != nil {
			old = c.listen
		}
		if old != nil && old.network == network && old.addr == addr {
			s = old // asked again for the socket it has: keep it
			return
		}
		if old != nil {
			c.dropServer(old)
			c.listen = nil
		}
		if s, err = c.openServerOnLoop(network, addr); err == nil {
			c.listen = s
		}
	}); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	return s.ln.Addr(), nil
}
