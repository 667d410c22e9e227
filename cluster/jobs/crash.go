package jobs

import (
	"context"
	"fmt"
)

// crashKind makes the worker exit with code n, for demos of restart policy.
//
// Its Run does not call os.Exit: it returns a *CrashError and the worker runtime, which
// owns the process, exits with CrashError.Code. So this package never ends a process
// and a test can run every kind.
func crashKind() Kind {
	return Kind{
		Name:    "crash",
		Doc:     "makes the worker exit with code n (for restart demos)",
		Min:     1,
		Max:     255,
		Unit:    "exit code",
		Example: 3,
		Run:     runCrash,
	}
}

// CrashError is what the crash kind returns instead of a result: a request that the
// worker process exit with Code. The worker runtime detects it with errors.As, reports
// nothing further for the job, and exits with Code.
type CrashError struct {
	Code int
}

func (e *CrashError) Error() string {
	return fmt.Sprintf("crash job: worker exits with code %d", e.Code)
}

// runCrash never produces a result; see CrashError.
func runCrash(_ context.Context, code int64) (int64, error) {
	return 0, &CrashError{Code: int(code)}
}
