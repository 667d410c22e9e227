package demos

import (
	"context"
	"fmt"
	"runtime"

	"github.com/gocluster/gocluster/cluster"
)

// tinyListMS is the wall time below which a speedup says more about overhead than
// about parallelism.
const tinyListMS = 100

// lesson prints what the run showed about the Node example's two bugs.
func (r *fibRun) lesson() {
	jobs, workers := len(r.opts.Inputs), r.opts.Workers
	r.tr.printf("")
	r.tr.printf("lesson 1, the banner: %s was printed once. In the Node script it", Banner)
	r.tr.printf("  sits above `if (cluster.isMaster)`, and every worker runs the script from the")
	r.tr.printf("  top, so it printed once per process. gocluster's main asks cluster.IsWorker()")
	r.tr.printf("  first, and a worker goes straight to its job loop.")
	r.tr.printf("lesson 2, fewer workers than jobs: the Node script forks min(numCPUs, jobs)")
	r.tr.printf("  workers and sends each exactly one job, then waits for one result per job, so")
	r.tr.printf("  with fewer CPUs than jobs it waits forever (this machine has %d CPUs).", runtime.NumCPU())
	if jobs > workers {
		r.tr.printf("  Here %d jobs ran on %s and all finished: the list is a queue, and a", jobs, nWorkers(workers))
		r.tr.printf("  worker that finishes a job takes the next one.")
	} else {
		r.tr.printf("  Here every one of the %d jobs had its own worker; try -workers 1: the list is", jobs)
		r.tr.printf("  a queue, and a worker that finishes a job takes the next one.")
	}
}

// compare prints the measured speedup: the list rerun on a one-worker pool, its wall
// time over this one's. Without Compare there is no measurement, and the transcript
// says so rather than guess: summed job time over wall (parallelism) counts workers
// taking turns on a CPU as if they ran at once, and is printed as what it is.
func (r *fibRun) compare(ctx context.Context) error {
	wall := r.summary.WallMS
	r.tr.printf("[master] %s took %d ms; parallelism (summed job time ÷ wall) %.2f on %d CPUs",
		nWorkers(r.opts.Workers), ms(wall), r.summary.Parallelism, runtime.NumCPU())
	if !r.opts.Compare {
		r.tr.printf("  speedup not measured: run without -compare=false to rerun the list on one worker")
		return nil
	}
	r.tr.printf("[master] rerunning the same list on a 1-worker pool...")
	one, err := oneWorkerTime(ctx, r.opts.Inputs)
	if err != nil {
		return err
	}
	speedup := 0.0
	if wall > 0 {
		speedup = one / wall
	}
	r.tr.printf("[master] one worker takes %d ms (measured by rerunning the list on a 1-worker pool): speedup %.2fx",
		ms(one), speedup)
	if r.opts.Workers > runtime.NumCPU() {
		r.tr.printf("  %d workers on %d CPUs take turns: expect no more than %d× however many workers there are",
			r.opts.Workers, runtime.NumCPU(), runtime.NumCPU())
	}
	if wall < tinyListMS {
		r.tr.printf("  (jobs this short are dominated by process and IPC overhead; try inputs of 35 or more)")
	}
	return nil
}

// oneWorkerTime runs inputs on a fresh pool of one plain, silent job worker and
// returns the list's wall time in milliseconds.
func oneWorkerTime(ctx context.Context, inputs []int64) (float64, error) {
	opts := poolOptions(1, "", nil)
	opts.Silent = true
	c, err := cluster.Start(opts)
	if err != nil {
		return 0, fmt.Errorf("start 1-worker pool: %w", err)
	}
	defer closePool(ctx, c)
	if err := c.WaitReady(ctx); err != nil {
		return 0, fmt.Errorf("1-worker pool: %w", err)
	}
	b, err := c.Submit("fib", inputs, cluster.BatchOptions{Timeout: fibTimeout})
	if err != nil {
		return 0, fmt.Errorf("submit to 1-worker pool: %w", err)
	}
	done, err := c.WaitBatch(ctx, b.ID)
	if err != nil {
		return 0, fmt.Errorf("wait for 1-worker pool: %w", err)
	}
	if done.State != cluster.BatchDone || done.Summary.Done != len(inputs) {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("1-worker rerun: %w", ctx.Err())
		}
		return 0, fmt.Errorf("1-worker rerun ended %s with %d of %d jobs done", done.State, done.Summary.Done, len(inputs))
	}
	return done.Summary.WallMS, nil
}

// nWorkers counts workers in words: "1 worker", "4 workers".
func nWorkers(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return fmt.Sprintf("%d workers", n)
}
