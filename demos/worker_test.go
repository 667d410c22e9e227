package demos_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

func TestExitCode(t *testing.T) {
	for err, want := range map[error]int{
		nil:                        0,
		&demos.ExitError{Code: 42}: 42,
		fmt.Errorf("x: %w", &demos.ExitError{Code: 3}): 3,
		errors.New("boom"): 1,
	} {
		if got := demos.ExitCode(err); got != want {
			t.Errorf("ExitCode(%v) = %d, want %d", err, got, want)
		}
	}
}

// TestRunWorkerOutsideAPool: RunWorker in a process no primary started fails
// instead of waiting for jobs that will never come.
func TestRunWorkerOutsideAPool(t *testing.T) {
	t.Setenv(demos.EnvDemo, "")
	if err := demos.RunWorker(context.Background()); !errors.Is(err, cluster.ErrNotWorker) {
		t.Errorf("default worker: %v, want ErrNotWorker", err)
	}
	t.Setenv(demos.EnvDemo, "juggle")
	if err := demos.RunWorker(context.Background()); err == nil || !strings.Contains(err.Error(), `unknown demo GOCLUSTER_DEMO="juggle"`) {
		t.Errorf("unknown demo: %v", err)
	}
}
