package demos

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// minLife and maxLife bound how long a phase-1 worker of the restart demo lives
// before it exits by itself.
const (
	minLife = 400 * time.Millisecond
	maxLife = 1600 * time.Millisecond
)

// randomExitCode picks a phase-1 worker's exit code: a plain failure, Go's panic
// code, and three arbitrary ones.
func randomExitCode() int {
	codes := [...]int{1, 2, 3, 42, 70}
	return codes[rand.IntN(len(codes))]
}

// restartWorker is a phase-1 worker: it comes online, says how it will die, and
// exits with that code after a random time, unless the primary kills it first or
// disconnects it (then it leaves with 0).
func restartWorker(ctx context.Context, stdout io.Writer) error {
	m, err := cluster.Join()
	if err != nil {
		return err
	}
	life := minLife + rand.N(maxLife-minLife)
	code := randomExitCode()
	fmt.Fprintf(stdout, "pid %d up; I will exit with code %d in %s unless killed first\n",
		os.Getpid(), code, life.Round(time.Millisecond))
	timer := time.NewTimer(life)
	defer timer.Stop()
	// The member is closed only on the way out with 0: closing IPC makes the
	// member's reader exit the process with 0, which would race the chosen code.
	select {
	case <-timer.C:
		return &ExitError{Code: code}
	case <-m.Disconnected():
		return m.Close()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// crashLoopWorker is a phase-2 worker: it crashes as soon as it starts, before it
// even says hello to the primary.
func crashLoopWorker(stdout io.Writer) error {
	fmt.Fprintf(stdout, "pid %d crashing at start (exit code 1)\n", os.Getpid())
	return &ExitError{Code: 1}
}
