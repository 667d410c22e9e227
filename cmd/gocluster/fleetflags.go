package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/fleet"
)

// fleetConfig is serve's side of other hosts (package fleet): where agents join.
type fleetConfig struct {
	Listen string // -cluster-listen: the embedded NATS server's address
	NATS   string // -nats: an external NATS server or cluster instead
	Token  string // -cluster-token: what agents present (default: -token)
	Name   string // -name: this host's name in the pool
}

func fleetFlags(fs *flag.FlagSet, c *fleetConfig) {
	fs.StringVar(&c.Listen, "cluster-listen", "", "start an embedded NATS server on this address (host:port) for agents on other hosts to join (gocluster agent -join nats://HOST:PORT); a non-loopback address needs -cluster-token (or -token) of 16 characters or more; off by default: nothing listens")
	fs.StringVar(&c.NATS, "nats", "", "instead of -cluster-listen, use this external NATS server or cluster (nats://host:4222, comma-separated); its own users and permissions apply (docs/scale-out.md)")
	fs.StringVar(&c.Token, "cluster-token", "", "the token agents must give (gocluster agent -token) to join the embedded NATS server; default: -token")
	fs.StringVar(&c.Name, "name", "", "this host's name in the pool (events' and workers' host), 1 to 64 letters, digits, '-' or '_'; default: the machine's host name")
}

// checkFleet validates the fleet flags; cfg.Token is the panel's, the default
// agents' token.
func (c *serveConfig) checkFleet(src sources) error {
	f := &c.Fleet
	if f.Listen != "" && f.NATS != "" {
		return usageErrorf("%s and %s: choose one (an embedded NATS server, or an external one)",
			src.name("cluster-listen"), src.name("nats"))
	}
	if f.Name != "" && !cluster.ValidHostName(f.Name) {
		return usageErrorf("%s %q: use 1 to 64 letters, digits, '-' or '_'", src.name("name"), f.Name)
	}
	if f.NATS != "" && !strings.HasPrefix(f.NATS, "nats://") && !strings.HasPrefix(f.NATS, "tls://") {
		return usageErrorf("%s %q: want nats://host:port (comma-separated for a cluster)", src.name("nats"), f.NATS)
	}
	if f.Listen == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(f.Listen)
	if err != nil || port == "" {
		return usageErrorf("%s %q: want host:port, e.g. 127.0.0.1:4222", src.name("cluster-listen"), f.Listen)
	}
	if f.Token == "" {
		f.Token = c.Token
	}
	if isLoopback(host) || len(f.Token) >= minExposedToken {
		return nil
	}
	return usageErrorf("refusing to listen for agents on %s without a token of %d characters or more: "+
		"anyone who can reach it could join as an agent and receive jobs. Set -cluster-token (or -token), "+
		"or listen on a loopback address such as 127.0.0.1:4222", f.Listen, minExposedToken)
}

// String describes where agents join, for the log.
func (f fleetConfig) String() string {
	if f.NATS != "" {
		return "nats " + f.NATS
	}
	return fmt.Sprintf("cluster-listen %s", f.Listen)
}

// startFleet serves agents when -cluster-listen or -nats asks; nil otherwise.
func startFleet(f fleetConfig, pool *cluster.Cluster, log *slog.Logger) (*fleet.Primary, error) {
	if f.Listen == "" && f.NATS == "" {
		return nil, nil
	}
	p, err := fleet.StartPrimary(pool, fleet.PrimaryConfig{Listen: f.Listen, URL: f.NATS, Token: f.Token, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("start fleet (%s): %w", f, err)
	}
	log.Info("agents may join", "url", p.URL(), "host", pool.HostName())
	return p, nil
}
