// Command gocluster is Node.js's cluster module done properly in Go: a pool of worker
// processes with a live web control panel, a REST API, and classroom demos that
// replay the classic Node examples. Run `gocluster help` for usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gocluster/gocluster/cluster"
)

func main() {
	// A worker is this same binary re-executed by a primary. It runs its loop and
	// nothing else: no banner, no flag parsing, no signal handling of its own.
	if cluster.IsWorker() {
		os.Exit(runWorker(context.Background(), os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
