package server

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/internal/proctest"
)

// TestMain lets the test binary be its own worker: tests start real pools, whose
// workers are this binary re-executed with the worker env var set, and those run
// the built-in job kinds, or the demo named by GOCLUSTER_DEMO (the Demos page's http
// demo), instead of the tests. goleak checks that every server, hub, metrics
// consumer, long poll and demo stopped its goroutines.
func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		if os.Getenv(envTestKinds) == "json" {
			os.Exit(demos.ExitCode(cluster.RunWorker(context.Background(), jsonRegistry())))
		}
		err := demos.RunWorker(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(demos.ExitCode(err))
	}
	proctest.Main(m, nil) // goleak, then no worker left
}
