package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/fleet"
)

// agentConfig is `gocluster agent`'s flags.
type agentConfig struct {
	Join    string
	Token   string
	Workers int
	Exec    string
	Name    string
	Quiet   bool
	Nkey    string // -nkey: this agent's seed file
	GenNkey string // -gen-nkey: write a new seed here and print its public key
	TLS     fleet.TLSFiles
}

func agentFlags(c *agentConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Join, "join", "", "the primary's NATS server, nats://HOST:PORT (serve -cluster-listen or its -nats); required")
	fs.StringVar(&c.Token, "token", "", "the token the primary's embedded server asks of agents (its -cluster-token, or -token)")
	fs.IntVar(&c.Workers, "workers", runtime.NumCPU(), "workers this host runs for the primary, 0..4096 (default: CPU count)")
	fs.StringVar(&c.Exec, "exec", "", "run this program as every worker instead of gocluster itself (as serve -exec)")
	fs.StringVar(&c.Name, "name", "", "this host's name in the pool, 1 to 64 letters, digits, '-' or '_' (default: the machine's host name)")
	natsTLSFlags(fs, &c.TLS, "a client certificate (PEM), for a primary started with -nats-tls-ca",
		"the key of -nats-tls-cert (PEM)", "the CA (PEM) that signed the primary's -nats-tls-cert, to verify it")
	fs.StringVar(&c.Nkey, "nkey", "", "this agent's NATS nkey seed file, for a primary with -cluster-agents (which lists this -name with the seed's public key)")
	fs.StringVar(&c.GenNkey, "gen-nkey", "", "write a new nkey seed to this file (mode 0600, never overwritten), print its public key for the primary's -cluster-agents, and exit")
	fs.BoolVar(&c.Quiet, "quiet", false, "do not copy the workers' output to this terminal (the primary gets it either way)")
	return fs
}

// agentCmd is `gocluster agent -join URL [-token T] [-workers N] [-exec CMD] [-name NAME]`.
func agentCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseAgent(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return helpCmd([]string{"agent"}, stdout)
	}
	if err != nil {
		return err
	}
	if cfg.GenNkey != "" {
		pub, err := fleet.GenerateSeed(cfg.GenNkey)
		if err != nil {
			return fmt.Errorf("agent -gen-nkey: %w", err)
		}
		fmt.Fprintf(stdout, "wrote the nkey seed %s (keep it secret; start the agent with -nkey %s)\n"+
			"for the primary's -cluster-agents file:\n%s %s\n", cfg.GenNkey, cfg.GenNkey, cfg.Name, pub)
		return nil
	}
	fc := fleet.AgentConfig{URL: cfg.Join, Token: cfg.Token, NkeyFile: cfg.Nkey, Name: cfg.Name, Workers: cfg.Workers,
		Logger: slog.New(slog.NewTextHandler(stderr, nil)), Env: []string{demos.EnvDemo + "="}, TLS: cfg.TLS}
	if !cfg.Quiet {
		fc.Output = stderr
	}
	if cfg.Exec != "" {
		words, err := splitCommand(cfg.Exec)
		if err != nil || len(words) == 0 {
			return usageErrorf("agent: -exec %q: %v", cfg.Exec, err)
		}
		fc.Exe, fc.Args = words[0], words[1:]
	}
	fmt.Fprintf(stdout, "gocluster agent %s: joining %s with %d workers\n", cfg.Name, fleet.RedactURLs(cfg.Join), cfg.Workers)
	if err := fleet.RunAgent(ctx, fc); err != nil {
		return fmt.Errorf("agent %s: %w", cfg.Name, err)
	}
	return nil
}

// parseAgent reads agent's flags, then GOCLUSTER_<FLAG> for each flag not given.
func parseAgent(args []string, getenv func(string) string) (agentConfig, error) {
	var cfg agentConfig
	fs := agentFlags(&cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageErrorf("agent: %v", err)
	}
	if fs.NArg() > 0 {
		return cfg, usageErrorf("agent: unexpected argument %q (agent takes flags only)", fs.Arg(0))
	}
	src, err := applyEnv(fs, getenv)
	if err == nil {
		err = checkTLSFiles(cfg.TLS, src)
	}
	if err != nil {
		return cfg, err
	}
	joinErr := fleet.CheckURLs(cfg.Join)
	switch {
	case cfg.GenNkey != "":
		// -join is not needed to make a key.
	case cfg.Join == "":
		return cfg, usageErrorf("agent: -join nats://HOST:PORT is required (the primary's -cluster-listen)")
	case joinErr != nil:
		return cfg, usageErrorf("agent: -join %v", joinErr)
	case cfg.Workers < 0 || cfg.Workers > maxMaxWorkers:
		return cfg, usageErrorf("agent: -workers %d: want 0..%d", cfg.Workers, maxMaxWorkers)
	}
	if cfg.Name == "" {
		cfg.Name = cluster.DefaultHostName()
	}
	if !cluster.ValidHostName(cfg.Name) {
		return cfg, usageErrorf("agent: -name %q: use 1 to 64 letters, digits, '-' or '_'", clipName(cfg.Name))
	}
	return cfg, nil
}

// clipName shortens a bad -name for its message: a 5,000-character one is not
// echoed whole.
func clipName(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "…"
}
