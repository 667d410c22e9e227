package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// helpCmd is `gocluster help [serve|demo]`.
func helpCmd(args []string, stdout io.Writer) error {
	topic := ""
	if len(args) > 0 {
		topic = args[0]
	}
	switch topic {
	case "":
		fmt.Fprint(stdout, intro()+"\n"+serveUsage()+"\n"+demoUsage())
	case "serve":
		fmt.Fprint(stdout, serveUsage())
	case "demo", "demos":
		fmt.Fprint(stdout, demoUsage())
	case "agent":
		fmt.Fprint(stdout, agentUsage())
	default:
		return usageErrorf("help: no help on %q (topics: serve, agent, demo)", topic)
	}
	return nil
}

func intro() string {
	return `gocluster: Node.js's cluster module done properly in Go, with a live web panel.

Usage:
  gocluster [serve] [flags]     start a pool of workers and the control panel (the default)
  gocluster agent -join URL     run workers on this host for a primary on another (docs/scale-out.md)
  gocluster demo NAME [flags]   replay a Node cluster example: fib, http or restart
  gocluster backup [-data DIR] PATH
                                copy the history (-data, default gocluster-data) to
                                the new file PATH, safely while serve runs
  gocluster version             print the version
  gocluster help [serve|agent|demo]  print this help
`
}

// serveUsage lists serve's flags with their defaults and environment variables.
func serveUsage() string {
	var b strings.Builder
	b.WriteString(`Serve flags. Each is also read from GOCLUSTER_<FLAG>, upper case with dashes as
underscores (-max-workers is GOCLUSTER_MAX_WORKERS); a flag on the command line wins
over its variable, and an empty variable counts as unset.
`)
	var cfg serveConfig
	serveFlags(&cfg).VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(&b, "  -%s (%s, default %q)\n      %s\n", f.Name, envName(f.Name), f.DefValue, f.Usage)
	})
	b.WriteString(`
Security: gocluster refuses to start on a non-loopback address (0.0.0.0, a LAN IP, a
host name) without -token, because anyone who can reach the panel could run jobs and
kill workers; there the token must have 16 characters or more. Loopback (127.0.0.1,
::1, localhost) needs no token, and then serves only requests whose Host names
loopback (add a proxy's name with -allowed-hosts). Keep the token out of ps with
-token-file. 10 wrong tokens from one IP within a minute get 429 until it ends.

On SIGINT or SIGTERM gocluster stops accepting connections, cancels queued jobs, lets
running jobs finish for -shutdown-timeout, then kills what is left and exits 0 with
every worker gone. A second signal kills the workers at once (exit code 1).
`)
	return b.String()
}

// agentUsage lists agent's flags.
func agentUsage() string {
	var b strings.Builder
	b.WriteString(`gocluster agent -join nats://PRIMARY:4222 [-token T] [-nkey SEEDFILE] [-workers N] [-exec CMD] [-name NAME]
joins a primary started with -cluster-listen (or -nats) and runs workers for it on
this host; it rejoins by itself after a network break or a primary restart. Each
flag is also read from GOCLUSTER_<FLAG>.
`)
	var cfg agentConfig
	agentFlags(&cfg).VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(&b, "  -%s (%s, default %q)\n      %s\n", f.Name, envName(f.Name), f.DefValue, f.Usage)
	})
	return b.String()
}
