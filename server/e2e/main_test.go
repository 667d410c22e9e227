package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/internal/proctest"
)

// TestMain lets the test binary be its own worker: the tests start real pools, whose
// workers are this binary re-executed with the worker env var set, and those run the
// built-in job kinds, or the demo named by GOCLUSTER_DEMO, instead of the tests. goleak checks that the pools, servers,
// proxies and browser connections stopped their goroutines.
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
	// After goleak, proctest fails the run if a worker or a browser outlived its test.
	// Each test closes its browser and waits for it in openTab's cleanup, so every
	// chromium is gone by now; one left would be a leak like a worker.
	proctest.Main(m, nil)
}
