package proctest

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Main is the TestMain of a package whose tests fork workers, after the part that
// plays the worker: it runs the tests, then goleak's check of goroutines, then the
// check of child processes, then last (if not nil, with the exit code), and exits.
//
// Before the tests it sets GORACE=atexit_sleep_ms=0 unless GORACE is set:
// race-enabled workers otherwise sleep 1 s at exit, which only slows every test that
// stops one.
func Main(m *testing.M, last func(code int) int) {
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		code = ExitCode(code)
		if last != nil {
			code = last(code)
		}
		os.Exit(code)
	}))
}
