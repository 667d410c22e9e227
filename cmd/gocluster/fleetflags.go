package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/fleet"
)

// fleetConfig is serve's side of other hosts (package fleet): where agents join.
type fleetConfig struct {
	Listen string // -cluster-listen: the embedded NATS server's address
	NATS   string // -nats: an external NATS server or cluster instead
	Token  string // -cluster-token: what agents present (default: -token)
	Agents string // -cluster-agents: a file of agent names and their public nkeys
	keys   map[string]string
	Name   string // -name: this host's name in the pool
	TLS    fleet.TLSFiles
}

func fleetFlags(fs *flag.FlagSet, c *fleetConfig) {
	fs.StringVar(&c.Listen, "cluster-listen", "", "start an embedded NATS server on this address (host:port) for agents on other hosts to join (gocluster agent -join nats://HOST:PORT); a non-loopback address needs -cluster-token (or -token) of 16 characters or more; off by default: nothing listens")
	fs.StringVar(&c.NATS, "nats", "", "instead of -cluster-listen, use this external NATS server or cluster (nats://host:4222, comma-separated); its own users and permissions apply (docs/scale-out.md)")
	fs.StringVar(&c.Token, "cluster-token", "", "the token agents must give (gocluster agent -token) to join the embedded NATS server; default: -token")
	fs.StringVar(&c.Agents, "cluster-agents", "", "a file of NAME PUBLIC-NKEY lines (gocluster agent -gen-nkey prints the key): the embedded NATS server then admits only those agents, each only under its own name, signing with its -nkey seed")
	natsTLSFlags(fs, &c.TLS, "the embedded NATS server's certificate (PEM), for agents to join over TLS; with -nats, a client certificate",
		"the key of -nats-tls-cert (PEM)", "a CA (PEM): the embedded server then requires agents' client certificates signed by it; with -nats, the CA that signed that server's certificate")
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
	if f.NATS != "" {
		if err := fleet.CheckURLs(f.NATS); err != nil {
			return usageErrorf("%s %v (comma-separated for a cluster)", src.name("nats"), err)
		}
	}
	if err := checkTLSFiles(f.TLS, src); err != nil {
		return err
	}
	if f.TLS.Set() && f.Listen == "" && f.NATS == "" {
		return usageErrorf("%s and the other -nats-tls flags need -cluster-listen or -nats", src.name("nats-tls-cert"))
	}
	if f.Listen != "" && f.TLS.Set() && f.TLS.Cert == "" {
		return usageErrorf("%s: the embedded server needs its certificate (-nats-tls-cert and -nats-tls-key)", src.name("nats-tls-ca"))
	}
	if f.Agents != "" && f.Listen == "" {
		return usageErrorf("%s needs -cluster-listen (with -nats, that server's own users apply)", src.name("cluster-agents"))
	}
	if f.Listen == "" {
		return nil
	}
	if f.Agents != "" {
		keys, err := fleet.LoadAgentKeys(f.Agents)
		if err != nil {
			return usageErrorf("%s: %v", src.name("cluster-agents"), err)
		}
		f.keys = keys
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
		return "nats " + fleet.RedactURLs(f.NATS)
	}
	return fmt.Sprintf("cluster-listen %s", f.Listen)
}

// startFleet serves agents when -cluster-listen or -nats asks; nil otherwise.
func startFleet(f fleetConfig, pool *cluster.Cluster, log *slog.Logger) (*fleet.Primary, error) {
	if f.Listen == "" && f.NATS == "" {
		return nil, nil
	}
	p, err := fleet.StartPrimary(pool, fleet.PrimaryConfig{Listen: f.Listen, URL: f.NATS, Token: f.Token, AgentKeys: f.keys, Logger: log,
		TLS: f.TLS})
	if err != nil {
		return nil, fmt.Errorf("start fleet (%s): %w", f, err)
	}
	log.Info("agents may join", "url", fleet.RedactURLs(p.URL()), "host", pool.HostName())
	return p, nil
}

// natsTLSFlags binds -nats-tls-cert, -nats-tls-key and -nats-tls-ca.
func natsTLSFlags(fs *flag.FlagSet, t *fleet.TLSFiles, certUsage, keyUsage, caUsage string) {
	fs.StringVar(&t.Cert, "nats-tls-cert", "", certUsage)
	fs.StringVar(&t.Key, "nats-tls-key", "", keyUsage)
	fs.StringVar(&t.CA, "nats-tls-ca", "", caUsage)
}

// checkTLSFiles wants a certificate and its key together, and every file readable.
func checkTLSFiles(t fleet.TLSFiles, src sources) error {
	if (t.Cert == "") != (t.Key == "") {
		return usageErrorf("%s and %s go together", src.name("nats-tls-cert"), src.name("nats-tls-key"))
	}
	for flag, path := range map[string]string{"nats-tls-cert": t.Cert, "nats-tls-key": t.Key, "nats-tls-ca": t.CA} {
		if path == "" {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			return usageErrorf("%s: %v", src.name(flag), err)
		}
	}
	return nil
}
