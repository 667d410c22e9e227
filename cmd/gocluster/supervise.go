package main

import (
	"flag"
	"net"
	"strconv"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// The supervision flags (issue 14): what the workers speak, the shared port, and
// how a worker's readiness and stop are timed.
type superviseConfig struct {
	Protocol     string
	Listen       string
	Balance      string // "": rr for protocol workers, os for plain programs
	PortBase     int
	ReadyDelay   time.Duration
	StartTimeout time.Duration
	DrainTimeout time.Duration
}

const maxSuperviseDuration = 24 * time.Hour

func superviseFlags(fs *flag.FlagSet, cfg *superviseConfig) {
	fs.StringVar(&cfg.Protocol, "protocol", string(cluster.ProtocolGocluster), "what the workers speak: gocluster (the wire protocol: jobs, messages) or none (any program: supervised, no jobs or messages)")
	fs.StringVar(&cfg.Listen, "listen", "", "open this host:port as the pool's shared port (port 0 picks one); protocol workers get it from cluster.Listen, plain programs by socket activation on fd 3 (LISTEN_FDS=1)")
	fs.StringVar(&cfg.Balance, "balance", "", "how the shared port's connections are spread: os (the kernel), rr (round-robin by the primary) or sticky (by client IP); rr and sticky need protocol workers (default rr; os with -protocol none)")
	fs.IntVar(&cfg.PortBase, "port-base", 0, "give worker instance i PORT=N+i (PM2's increment_var), for programs that cannot take a socket; 0: no PORT")
	fs.DurationVar(&cfg.ReadyDelay, "ready-delay", 0, "count a worker ready this long after it came online unless it said so sooner, 0..24h; 0: readiness as the docs say (listening, or PORT accepting)")
	fs.DurationVar(&cfg.StartTimeout, "start-timeout", time.Minute, "a worker not ready this long after its fork is a failed start (killed, restarted with backoff), 0..24h; 0: no limit")
	fs.DurationVar(&cfg.DrainTimeout, "drain-timeout", 30*time.Second, "in a rolling restart, how long a replaced worker may finish what it serves before it is killed, 1s..24h")
}

// checkSupervise validates the supervision flags against each other and -exec.
func (c *serveConfig) checkSupervise(src sources) error {
	s := &c.Supervise
	proto, err := cluster.ParseProtocol(s.Protocol)
	if err != nil {
		return usageErrorf("%s %q: want gocluster or none", src.name("protocol"), s.Protocol)
	}
	if proto == cluster.ProtocolNone && len(c.execCmd) == 0 {
		return usageErrorf("%s none supervises a program of yours: give it with -exec, e.g. -exec 'python3 server.py'", src.name("protocol"))
	}
	if err := s.checkBalance(src, proto); err != nil {
		return err
	}
	if err := s.checkListen(src, c.execCmd); err != nil {
		return err
	}
	if s.PortBase < 0 || s.PortBase > 0 && s.PortBase+c.MaxWorkers-1 > 65535 {
		return usageErrorf("%s %d is out of range: 1..%d, so that -max-workers (%d) instances all get a port (or 0: no PORT)",
			src.name("port-base"), s.PortBase, 65536-c.MaxWorkers, c.MaxWorkers)
	}
	for _, r := range []struct {
		flag   string
		v, min time.Duration
	}{{"ready-delay", s.ReadyDelay, 0}, {"start-timeout", s.StartTimeout, 0}, {"drain-timeout", s.DrainTimeout, time.Second}} {
		if r.v < r.min || r.v > maxSuperviseDuration {
			return usageErrorf("%s %s is out of range: must be between %s and %s", src.name(r.flag), r.v, r.min, maxSuperviseDuration)
		}
	}
	return nil
}

func (s *superviseConfig) checkBalance(src sources, proto cluster.Protocol) error {
	if s.Balance == "" {
		return nil
	}
	b, err := cluster.ParseBalance(s.Balance)
	if err != nil {
		return usageErrorf("%s %q: want os, rr or sticky", src.name("balance"), s.Balance)
	}
	if proto == cluster.ProtocolNone && b != cluster.BalanceOS {
		return usageErrorf("%s %s needs protocol workers: plain programs accept on the shared socket themselves, "+
			"so only the kernel spreads their connections (-balance os, the default with -protocol none)", src.name("balance"), b)
	}
	return nil
}

func (s *superviseConfig) checkListen(src sources, execCmd []string) error {
	if s.Listen == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(s.Listen)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return usageErrorf("%s %q: want host:port, e.g. 127.0.0.1:8000", src.name("listen"), s.Listen)
	}
	if len(execCmd) == 0 {
		return usageErrorf("%s shares a port with the workers, but the built-in job workers serve none: "+
			"give -exec a server program", src.name("listen"))
	}
	return nil
}

// apply sets the pool's options from the supervision flags (already validated).
func (s *superviseConfig) apply(o *cluster.Options) {
	o.Protocol = cluster.Protocol(s.Protocol)
	o.Listen = s.Listen
	o.Balance = cluster.Balance(s.Balance)
	o.PortBase = s.PortBase
	o.ReadyDelay = s.ReadyDelay
	o.StartTimeout = s.StartTimeout
	o.DrainTimeout = s.DrainTimeout
}
