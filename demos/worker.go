package demos

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gocluster/gocluster/cluster"
)

// ExitError asks the worker process to exit with Code: the restart demo's workers
// die with the exit codes the primary then reports.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit with code %d", e.Code) }

// ExitCode is the process exit code for RunWorker's error: 0 for nil, an ExitError's
// code, and 1 for anything else.
func ExitCode(err error) int {
	var ee *ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	default:
		return 1
	}
}

// RunWorker is the whole life of a worker process of a gocluster program: it plays
// the demo named by EnvDemo, or, without one, serves the pool's jobs with the
// built-in kinds (cluster.RunWorker). Call it first thing when cluster.IsWorker
// reports true, and exit with ExitCode of its error.
func RunWorker(ctx context.Context) error {
	switch demo := os.Getenv(EnvDemo); demo {
	case "":
		return cluster.RunWorker(ctx, nil)
	case "fib":
		return fibWorker(ctx, os.Stdout)
	case "http":
		return httpWorker(ctx)
	case "restart":
		return restartWorker(ctx, os.Stdout)
	case "crashloop":
		return crashLoopWorker(os.Stdout)
	default:
		return fmt.Errorf("unknown demo %s=%q (known: fib, http, restart, crashloop)", EnvDemo, demo)
	}
}
