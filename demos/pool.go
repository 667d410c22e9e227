package demos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// EnvDemo names the demo a worker plays ("fib", "http", "restart", "crashloop"). The
// demo primaries set it in their workers' environment; RunWorker reads it.
const EnvDemo = "GOCLUSTER_DEMO"

// MaxWorkers bounds the pool size of a demo: each demo worker may keep a core busy,
// so more than this only makes a classroom laptop crawl.
const MaxWorkers = 64

// closeWait is how long a demo's pool may take to stop on an early return before its
// workers are killed.
const closeWait = 5 * time.Second

// poolOptions are the options every demo pool starts from: workers play demo, their
// output goes into the transcript, and the pool's own log is dropped because the
// demo prints every event in plain words instead.
func poolOptions(workers int, demo string, out io.Writer) cluster.Options {
	return cluster.Options{
		Workers: workers,
		Env:     []string{EnvDemo + "=" + demo},
		Output:  out,
		Logger:  slog.New(slog.DiscardHandler),
	}
}

// closePool stops a pool on any path out of a demo, so a demo never leaves a process
// behind: workers still running after closeWait are killed, and at once when the
// demo was interrupted (ctx ended), because Ctrl-C means "stop now".
func closePool(ctx context.Context, c *cluster.Cluster) {
	wait := closeWait
	if ctx.Err() != nil {
		wait = 0
	}
	cctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c.Close(cctx)
}

// disconnect is Node's cluster.disconnect(): every worker finishes what it is doing
// and exits; after closeWait the rest are killed.
func disconnect(ctx context.Context, c *cluster.Cluster) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeWait)
	defer cancel()
	if err := c.Disconnect(ctx); err != nil {
		return fmt.Errorf("disconnect workers: %w", err)
	}
	return nil
}

// workerCount applies the default (one worker per CPU) and the bounds to n.
func workerCount(n int) (int, error) {
	if n == 0 {
		n = runtime.NumCPU()
	}
	if n < 1 || n > MaxWorkers {
		return 0, fmt.Errorf("%w: %d workers: must be between 1 and %d", cluster.ErrInvalid, n, MaxWorkers)
	}
	return n, nil
}
