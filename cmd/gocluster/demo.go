package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gocluster/gocluster/demos"
)

// demoCmd is `gocluster demo fib|http|restart [flags] [args]`: it replays one
// example of the Node lesson on stdout. Flags not given are read from getenv, as
// serve's are.
func demoCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageErrorf("demo: which one? fib, http or restart")
	}
	name, rest := args[0], args[1:]
	var err error
	switch name {
	case "fib":
		var opts demos.FibOptions
		if opts, err = parseDemoFib(rest, getenv); err == nil {
			err = demos.Fib(ctx, stdout, opts)
		}
	case "http":
		var opts demos.HTTPOptions
		if opts, err = parseDemoHTTP(rest, getenv); err == nil {
			err = demos.HTTP(ctx, stdout, opts)
		}
	case "restart":
		var opts demos.RestartOptions
		if opts, err = parseDemoRestart(rest, getenv); err == nil {
			err = demos.Restart(ctx, stdout, opts)
		}
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

// demoUsage is the demo part of the help text.
func demoUsage() string {
	return fmt.Sprintf(`Demos (each replays an example of the Node cluster lesson with real worker processes):
  gocluster demo fib [-workers N] [-compare=false] [n ...]
      fib of each n (default %s) on a pool: the lesson's output, with its two
      bugs fixed and explained, then the same list on one worker for a measured
      speedup (-compare=false skips that rerun).
  gocluster demo fib -node-behaviour [-workers N] [-stall-timeout 5s] [n ...]
      the Node script's faults replayed safely (-node-behavior works too): every
      process prints START, and with more jobs than workers (N plays numCPUs) the
      primary waits for results it never asked for; after -stall-timeout the
      replay explains the hang and ends.
  gocluster demo http [-workers N] [-addr %s] [-duration 0] [-balance rr] [-notify=false]
      workers share one port and report each request; numReqs every second
      (-balance os|rr|sticky spreads connections; -notify=false: no reports).
  gocluster demo restart [-workers N] [-duration %s]
      workers die at random and are restarted; then a crash loop shows backoff
      and the crash-loop guard.

Like serve's, each demo flag not given is read from GOCLUSTER_<FLAG>:
GOCLUSTER_WORKERS, GOCLUSTER_COMPARE, GOCLUSTER_NODE_BEHAVIOUR, GOCLUSTER_STALL_TIMEOUT,
GOCLUSTER_ADDR, GOCLUSTER_DURATION, GOCLUSTER_BALANCE, GOCLUSTER_NOTIFY. A flag
that serve has too shares its variable: GOCLUSTER_WORKERS sizes both pools.
`, joinInts(demos.DefaultFibInputs()), demos.DefaultHTTPAddr, demos.DefaultRestartDuration)
}

func joinInts(ns []int64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, " ")
}
