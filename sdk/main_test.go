package sdk_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gocluster/gocluster/internal/proctest"
)

// binPath is the gocluster binary TestMain builds; repoRoot is where -exec commands
// such as 'python3 sdk/python/example.py' are run from (serve -dir).
var binPath, repoRoot string

func TestMain(m *testing.M) {
	os.Setenv("GOCLUSTER_EPHEMERAL", "true") // no history in the source tree
	dir, err := os.MkdirTemp("", "gocluster-sdk-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "gocluster")
	if repoRoot, err = filepath.Abs(".."); err == nil {
		err = build(binPath)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	proctest.Main(m, func(code int) int {
		os.RemoveAll(dir)
		return code
	})
}

// build compiles cmd/gocluster, with -race when the tests run with it, and
// otherwise statically as make build does (the race detector needs cgo).
func build(out string) error {
	args := []string{"build", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/gocluster")...)
	if !raceEnabled {
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	}
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}
