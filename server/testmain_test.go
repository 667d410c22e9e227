package server

import (
	"context"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/gocluster/gocluster/cluster"
)

// TestMain lets the test binary be its own worker: tests start real pools, whose
// workers are this binary re-executed with the worker env var set, and those run
// the built-in job kinds instead of the tests. goleak checks that every server,
// hub, metrics consumer and long poll stopped its goroutines.
func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		if err := cluster.RunWorker(context.Background(), nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}
