package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/proctest"
)

// binPath is the gocluster binary TestMain builds for the tests that run it as a real
// process. It is set once, before any test runs.
var binPath string

func TestMain(m *testing.M) {
	// In-process serve tests fork the test binary as their workers.
	if cluster.IsWorker() {
		os.Exit(runWorker(context.Background(), os.Stderr))
	}
	if os.Getenv(envPlainHello) == "1" { // BenchmarkWrk's plain process
		os.Exit(servePlainHello())
	}
	// No test may leave a history in the source tree: serves started by tests keep
	// none unless the test gives one (-data in a t.TempDir, without this variable).
	os.Setenv("GOCLUSTER_EPHEMERAL", "true")
	dir, err := os.MkdirTemp("", "gocluster-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "gocluster")
	if err := build(binPath); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	// The children are checked before the binary is removed: a leftover is likelier
	// running it.
	proctest.Main(m, func(code int) int {
		os.RemoveAll(dir)
		return code
	})
}

// build compiles this command, with -race when the tests themselves run with it,
// and otherwise statically as make build does (CGO_ENABLED=0: the race detector
// needs cgo).
func build(out string) error {
	args := []string{"build", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	if !raceEnabled {
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}
