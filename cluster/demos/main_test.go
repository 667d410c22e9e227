package demos_test

import (
	"context"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/demos"
	"github.com/gocluster/gocluster/internal/proctest"
)

// TestMain lets the test binary be its own workers: the demos re-execute it with
// cluster's worker variables set, and it plays the demo named by demos.EnvDemo.
func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		os.Exit(demos.ExitCode(demos.RunWorker(context.Background())))
	}
	// Race-enabled workers otherwise sleep 1 s at exit.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	// After goleak, proctest fails the run if a worker outlived its test.
	goleak.VerifyTestMain(m, goleak.Cleanup(proctest.Exit))
}
