package main

import (
	"errors"
	"flag"
	"io"
	"net"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
	"github.com/gocluster/gocluster/demos"
)

// The demos' flags. Like serve's, each flag not given on the command line is read
// from GOCLUSTER_<FLAG> (applyEnv), so the variables are shared: GOCLUSTER_WORKERS
// sizes serve's pool and the demos' alike. The checks here repeat the demos' own so
// that an error names the flag or the variable the value came from.

// demoFlags is a flag set for one demo, with the -workers flag they all have.
func demoFlags(name string, workers *int) *flag.FlagSet {
	fs := flag.NewFlagSet("demo "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(workers, "workers", 0, "pool size (default: CPU count)")
	return fs
}

// parseDemo parses a demo's flags, then the environment for each flag not given,
// and checks the pool size. A mistake is a usage error naming the demo.
func parseDemo(fs *flag.FlagSet, args []string, getenv func(string) string, workers *int) (sources, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageErrorf("%s: %v", fs.Name(), err)
	}
	src, err := applyEnv(fs, getenv)
	if err != nil {
		return nil, usageErrorf("%s: %v", fs.Name(), err)
	}
	if *workers < 0 || *workers > demos.MaxWorkers {
		return nil, usageErrorf("%s: %s %d is out of range: must be between 0 (one per CPU) and %d",
			fs.Name(), src.name("workers"), *workers, demos.MaxWorkers)
	}
	return src, nil
}

func parseDemoFib(args []string, getenv func(string) string) (demos.FibOptions, error) {
	var opts demos.FibOptions
	fs := demoFlags("fib", &opts.Workers)
	fs.BoolVar(&opts.Compare, "compare", true, "rerun the list on one worker to measure the speedup (-compare=false skips it)")
	nodeUsage := "replay the Node script's faults: START printed by every process, and with more jobs than workers a wait that never ends (cut after -stall-timeout)"
	fs.BoolVar(&opts.NodeBehaviour, "node-behaviour", false, nodeUsage)
	fs.BoolVar(&opts.NodeBehaviour, "node-behavior", false, nodeUsage+" (US spelling)")
	fs.DurationVar(&opts.Stall, "stall-timeout", demos.DefaultStall, "with -node-behaviour: how long to wait for results never asked for before explaining the hang")
	src, err := parseDemo(fs, args, getenv, &opts.Workers)
	if err != nil {
		return opts, err
	}
	if opts.Stall < 10*time.Millisecond || opts.Stall > demos.MaxStall {
		return opts, usageErrorf("demo fib: %s %s: must be between 10ms and %s", src.name("stall-timeout"), opts.Stall, demos.MaxStall)
	}
	if fs.NArg() > 0 {
		inputs, err := jobs.ParseInputs(strings.Join(fs.Args(), " "), demos.MaxFibInputs)
		if err != nil {
			return opts, usageErrorf("demo fib: %v", err)
		}
		opts.Inputs = inputs
	}
	return opts, nil
}

func parseDemoHTTP(args []string, getenv func(string) string) (demos.HTTPOptions, error) {
	var opts demos.HTTPOptions
	fs := demoFlags("http", &opts.Workers)
	fs.StringVar(&opts.Addr, "addr", demos.DefaultHTTPAddr, "address the workers share")
	fs.DurationVar(&opts.Duration, "duration", 0, "how long to run; 0 runs until Ctrl-C")
	balance := fs.String("balance", string(cluster.DefaultBalance), "how connections are spread: os (the kernel), rr (round-robin) or sticky (by client IP)")
	notify := fs.Bool("notify", true, "workers send the primary one notifyRequest message per request (-notify=false: the shared port alone)")
	src, err := parseDemo(fs, args, getenv, &opts.Workers)
	if err == nil {
		err = noArgs(fs)
	}
	if err != nil {
		return opts, err
	}
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return opts, usageErrorf("demo http: %s %q: %v (want host:port, e.g. %s)", src.name("addr"), opts.Addr, err,
			demos.DefaultHTTPAddr)
	}
	if opts.Duration < 0 {
		return opts, usageErrorf("demo http: %s %s is negative (0 runs until interrupted)", src.name("duration"), opts.Duration)
	}
	if opts.Balance, err = cluster.ParseBalance(*balance); err != nil {
		return opts, usageErrorf("demo http: %s: %v", src.name("balance"), err)
	}
	opts.Quiet = !*notify
	return opts, nil
}

func parseDemoRestart(args []string, getenv func(string) string) (demos.RestartOptions, error) {
	var opts demos.RestartOptions
	fs := demoFlags("restart", &opts.Workers)
	fs.DurationVar(&opts.Duration, "duration", demos.DefaultRestartDuration, "how long workers die at random before the crash-loop phase")
	src, err := parseDemo(fs, args, getenv, &opts.Workers)
	if err == nil {
		err = noArgs(fs)
	}
	if err != nil {
		return opts, err
	}
	if opts.Duration <= 0 {
		return opts, usageErrorf("demo restart: %s %s must be positive", src.name("duration"), opts.Duration)
	}
	return opts, nil
}

func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}
