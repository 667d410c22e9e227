package demos_test

import (
	"context"
	"os"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/internal/proctest"
)

// TestMain lets the test binary be its own workers: the demos re-execute it with
// cluster's worker variables set, and it plays the demo named by demos.EnvDemo.
func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		os.Exit(demos.ExitCode(demos.RunWorker(context.Background())))
	}
	proctest.Main(m, nil) // goleak, then no worker left
}
