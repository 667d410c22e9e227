package demos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// EnvNodeBehaviour, set to "1" in a fib demo worker's environment, makes it print
// the START banner as it starts, as every process of the Node script does.
const EnvNodeBehaviour = "GOCLUSTER_DEMO_NODE"

// DefaultStall is how long a Node replay waits for results it never asked for
// before it explains the hang and ends; MaxStall bounds what may be asked.
const (
	DefaultStall = 5 * time.Second
	MaxStall     = 10 * time.Minute
)

// NodeReport is what a Node replay showed.
type NodeReport struct {
	Workers  int  `json:"workers"`  // forked: min(numCPUs, jobs), numCPUs being FibOptions.Workers
	Banners  int  `json:"banners"`  // START lines printed: the primary's and each worker's
	Jobs     int  `json:"jobs"`     // results the script waits for: collection.length
	Sent     int  `json:"sent"`     // jobs handed out: one per worker, the loop's only send
	Answered int  `json:"answered"` // results received: numOfCompelete
	Stalled  bool `json:"stalled"`  // it waited Stall for results never asked for
}

// NodeFib replays the lesson's fib script with its two faults, safely. Every worker
// prints the START banner as it starts, as in Node, where the banner sits above
// `if (cluster.isMaster)` and each worker runs the script from the top. The primary
// forks min(opts.Workers, jobs) workers, sends each exactly one job and waits for one
// result per job: with more jobs than workers, results that were never asked for.
// Node waits forever there; the replay waits opts.Stall, says why nothing comes,
// disconnects the workers and returns normally, with Stalled set.
func NodeFib(ctx context.Context, out io.Writer, opts FibOptions) (NodeReport, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return NodeReport{}, err
	}
	opts.Workers = min(opts.Workers, len(opts.Inputs))
	rep := &NodeReport{Workers: opts.Workers, Jobs: len(opts.Inputs), Sent: opts.Workers}
	tr := newTranscript(out, nodeKey)
	tr.holdWorkers() // a worker's START line comes after its fork line
	tr.printf("%s", Banner)
	popts := poolOptions(opts.Workers, "fib", tr)
	popts.Env = append(popts.Env, EnvNodeBehaviour+"=1")
	c, err := cluster.Start(popts)
	if err != nil {
		return *rep, fmt.Errorf("start pool: %w", err)
	}
	defer closePool(ctx, c)
	evs := watchEvents(c)
	defer evs.close()
	r := &fibRun{c: c, tr: tr, opts: opts, results: map[int]int{}, node: rep}
	if err := r.play(ctx, evs); err != nil {
		return *rep, err
	}
	if rep.Sent < rep.Jobs { // the results of jobs never sent: Node's endless wait
		if err := r.stall(ctx, evs); err != nil {
			return *rep, err
		}
	}
	if err := disconnect(ctx, c); err != nil {
		return *rep, err
	}
	for _, ev := range evs.ready() {
		r.printExit(ev)
	}
	tr.release()
	rep.Banners = 1 + tr.seen(bannerKey) // the primary's, then the workers'
	r.nodeLesson()
	return *rep, tr.Err()
}

// stall is the Node script's endless wait, bounded: it prints what the primary waits
// for, lets opts.Stall pass with nothing to show for it, then says why.
func (r *fibRun) stall(ctx context.Context, evs *events) error {
	rep := r.node
	r.tr.printf("[master] numOfCompelete is %d, collection.length is %d: waiting for the results of %s,",
		rep.Answered, rep.Jobs, joinInputs(r.opts.Inputs[rep.Sent:]))
	r.tr.printf("  which were never sent: the loop sent one job to each worker it forked (%s)", nWorkers(rep.Workers))
	sctx, cancel := context.WithTimeout(ctx, r.opts.Stall)
	defer cancel()
	for {
		ev, err := evs.next(sctx)
		if err == nil {
			r.printExit(ev)
			continue
		}
		if ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("fib demo: %w", err)
		}
		rep.Stalled = true
		r.tr.printf("[master] stalled: nothing came for %s, and nothing will. Node would hang here forever,", r.opts.Stall)
		r.tr.printf("  its workers idle and alive and cluster.disconnect() never called; the replay stops here.")
		return nil
	}
}

// nodeLesson prints what the replay showed about the two faults and how gocluster
// avoids them.
func (r *fibRun) nodeLesson() {
	rep := r.node
	r.tr.printf("")
	r.tr.printf("lesson 1, the banner: %s was printed %d times, by the primary and by each", Banner, rep.Banners)
	r.tr.printf("  worker: it sits above `if (cluster.isMaster)`, and every worker runs the script from")
	r.tr.printf("  the top. gocluster's main asks cluster.IsWorker() first, so it prints once.")
	if rep.Stalled {
		r.tr.printf("lesson 2, the hang: %d jobs, %s: the loop `i < Math.min(numCPUs, collection.length)`", rep.Jobs, nWorkers(rep.Workers))
		r.tr.printf("  sent %d of them, yet the primary waits until numOfCompelete === collection.length.", rep.Sent)
		r.tr.printf("  gocluster queues the whole list and a worker that finishes takes the next job,")
		r.tr.printf("  so the same list finishes: run it again without -node-behaviour.")
		return
	}
	r.tr.printf("lesson 2, the hang: every one of the %d jobs had its own worker, so the script finished.", rep.Jobs)
	r.tr.printf("  Give it more jobs than workers (e.g. -workers 2 with 4 inputs) to see it hang.")
}

// bannerKey counts the workers' START lines.
const bannerKey = "banner"

// nodeKey watches what finishKey does, and the workers' START lines.
func nodeKey(line string) string {
	if _, ok := workerOf([]byte(line)); ok && strings.HasSuffix(line, "] "+Banner) {
		return bannerKey
	}
	return finishKey(line)
}

// joinInputs writes inputs as the lesson does: "42 43".
func joinInputs(inputs []int64) string {
	s := make([]string, len(inputs))
	for i, n := range inputs {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, " ")
}
