package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/gocluster/gocluster/cluster"
)

// TestMain lets the test binary be its own worker: the tests start real pools, whose
// workers are this binary re-executed with the worker env var set, and those run the
// built-in job kinds instead of the tests. goleak checks that the pools, servers,
// proxies and browser connections stopped their goroutines.
func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		if err := cluster.RunWorker(context.Background(), nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Race-enabled workers otherwise sleep 1 s at exit (the race runtime's default
	// atexit_sleep_ms), which slows every test that kills or stops one.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	goleak.VerifyTestMain(m)
}
