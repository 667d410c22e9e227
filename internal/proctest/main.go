package proctest

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// leakSettle is how long goroutines get to end before they count as leaked.
// goleak's own retries give them about half a second, which a loaded machine
// exceeds: the last test's pool may still be winding down when the tests end.
// A real leak lasts forever, so waiting longer finds the same ones.
const leakSettle = time.Minute

// Main is the TestMain of a package whose tests fork workers, after the part that
// plays the worker: it runs the tests, then goleak's check of goroutines (given
// leakSettle to settle), then the check of child processes, then last (if not nil,
// with the exit code), and exits.
//
// Before the tests it sets GORACE=atexit_sleep_ms=0 unless GORACE is set:
// race-enabled workers otherwise sleep 1 s at exit, which only slows every test that
// stops one.
func Main(m *testing.M, last func(code int) int) {
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	code := m.Run()
	if code == 0 {
		if err := FindLeaks(leakSettle); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: Errors on successful test run: %v\n", err)
			code = 1
		}
	}
	code = ExitCode(code)
	if last != nil {
		code = last(code)
	}
	os.Exit(code)
}

// FindLeaks polls goleak.Find with opts until it finds no leaked goroutine or
// timeout passed; then it returns what it found last.
func FindLeaks(timeout time.Duration, opts ...goleak.Option) error {
	deadline := time.Now().Add(timeout)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// VerifyNone fails t if goroutines other than those opts ignore are still
// running after leakSettle.
func VerifyNone(t testing.TB, opts ...goleak.Option) {
	t.Helper()
	if err := FindLeaks(leakSettle, opts...); err != nil {
		t.Error(err)
	}
}
