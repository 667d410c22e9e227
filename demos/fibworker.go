package demos

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// fibWorker is the worker side of the fib demo: the pool's job loop with a fib kind
// that says, like the Node worker, what it received and how long it took. The lines
// go to stdout, which the primary prefixes with "[worker N] ". In a Node replay it
// first prints the banner, as every process of the Node script does.
func fibWorker(ctx context.Context, stdout io.Writer) error {
	if os.Getenv(EnvNodeBehaviour) == "1" {
		// The Node script's first line, which every one of its processes runs.
		fmt.Fprintln(stdout, Banner)
	}
	reg, err := talkativeFib(stdout)
	if err != nil {
		return err
	}
	return cluster.RunWorker(ctx, reg)
}

// talkativeFib returns a registry whose fib kind prints around each job.
func talkativeFib(stdout io.Writer) (*jobs.Registry, error) {
	fib, err := jobs.Builtin().Lookup("fib")
	if err != nil {
		return nil, err
	}
	run := fib.Run
	fib.Run = func(ctx context.Context, n int64) (int64, error) {
		fmt.Fprintf(stdout, "receive msg %d\n", n)
		start := time.Now()
		out, err := run(ctx, n)
		if err != nil {
			fmt.Fprintf(stdout, "gave up on %d: %v\n", n, err)
			return out, err
		}
		fmt.Fprintf(stdout, "finish work and using %d ms\n", time.Since(start).Milliseconds())
		return out, nil
	}
	reg := &jobs.Registry{}
	if err := reg.Register(fib); err != nil {
		return nil, err
	}
	return reg, nil
}
