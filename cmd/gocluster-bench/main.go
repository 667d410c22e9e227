// Command gocluster-bench runs gocluster's benchmarks several times and prints one
// markdown table of medians and spreads, with the targets beside them; it also writes
// the figures as JSON. `make bench` runs it. Run it from the module root.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gocluster-bench:", err)
		os.Exit(1)
	}
}
