package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gocluster/gocluster/cluster/demos"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// demoCmd is `gocluster demo fib|http|restart [flags] [args]`: it replays one
// example of the Node lesson on stdout.
func demoCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("demo: which one? fib, http or restart")
	}
	name, rest := args[0], args[1:]
	var err error
	switch name {
	case "fib":
		err = demoFib(ctx, rest, stdout)
	case "http":
		err = demoHTTP(ctx, rest, stdout)
	case "restart":
		err = demoRestart(ctx, rest, stdout)
	case "-h", "-help", "--help", "help":
		return helpCmd([]string{"demo"}, stdout)
	default:
		return usageErrorf("demo: unknown demo %q (demos: fib, http, restart)", name)
	}
	if errors.Is(err, flag.ErrHelp) {
		return helpCmd([]string{"demo"}, stdout)
	}
	return asUsage(err)
}

// demoFlags is a flag set for one demo, with the -workers flag they all have.
func demoFlags(name string, workers *int) *flag.FlagSet {
	fs := flag.NewFlagSet("demo "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(workers, "workers", 0, "pool size (default: CPU count)")
	return fs
}

// parseDemo parses a demo's flags; a mistake is a usage error naming the demo.
func parseDemo(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErrorf("%s: %v", fs.Name(), err)
	}
	return nil
}

func demoFib(ctx context.Context, args []string, stdout io.Writer) error {
	var opts demos.FibOptions
	fs := demoFlags("fib", &opts.Workers)
	fs.BoolVar(&opts.Compare, "compare", false, "rerun the list on one worker to measure the speedup")
	if err := parseDemo(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		inputs, err := jobs.ParseInputs(strings.Join(fs.Args(), " "), demos.MaxFibInputs)
		if err != nil {
			return usageErrorf("demo fib: %v", err)
		}
		opts.Inputs = inputs
	}
	return demos.Fib(ctx, stdout, opts)
}

func demoHTTP(ctx context.Context, args []string, stdout io.Writer) error {
	var opts demos.HTTPOptions
	fs := demoFlags("http", &opts.Workers)
	fs.StringVar(&opts.Addr, "addr", demos.DefaultHTTPAddr, "address the workers share")
	fs.DurationVar(&opts.Duration, "duration", 0, "how long to run; 0 runs until Ctrl-C")
	if err := parseDemo(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	return demos.HTTP(ctx, stdout, opts)
}

func demoRestart(ctx context.Context, args []string, stdout io.Writer) error {
	var opts demos.RestartOptions
	fs := demoFlags("restart", &opts.Workers)
	fs.DurationVar(&opts.Duration, "duration", demos.DefaultRestartDuration, "how long workers die at random before the crash-loop phase")
	if err := parseDemo(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if opts.Duration <= 0 {
		return usageErrorf("demo restart: -duration %s must be positive", opts.Duration)
	}
	return demos.Restart(ctx, stdout, opts)
}

func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// demoUsage is the demo part of the help text.
func demoUsage() string {
	return fmt.Sprintf(`Demos (each replays an example of the Node cluster lesson with real worker processes):
  gocluster demo fib [-workers N] [-compare] [n ...]
      fib of each n (default %s) on a pool: the lesson's output, with its two
      bugs fixed and explained; -compare measures one worker for real.
  gocluster demo http [-workers N] [-addr %s] [-duration 0]
      workers share one port and report each request; numReqs every second.
  gocluster demo restart [-workers N] [-duration %s]
      workers die at random and are restarted; then a crash loop shows backoff
      and the crash-loop guard.
`, joinInts(demos.DefaultFibInputs()), demos.DefaultHTTPAddr, demos.DefaultRestartDuration)
}

func joinInts(ns []int64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, " ")
}
