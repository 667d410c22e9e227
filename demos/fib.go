package demos

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// Banner is the first line of the Node fib example. There it sits above
// `if (cluster.isMaster)`, and every worker runs the script from the top, so it
// printed once per process; here only the primary prints it.
const Banner = "####====START====###"

// MaxFibInputs bounds the jobs of one fib demo: each gets its own transcript lines.
const MaxFibInputs = 1000

// fibTimeout is each fib job's deadline: fib(50) takes minutes on a slow machine,
// and the demo is stopped with Ctrl-C rather than by a timeout.
const fibTimeout = time.Hour

// DefaultFibInputs returns the lesson's job list: 44 42 42 43.
func DefaultFibInputs() []int64 { return []int64{44, 42, 42, 43} }

// FibOptions configure Fib. The zero value replays the lesson.
type FibOptions struct {
	// Workers is the pool size. Default: one per CPU.
	Workers int
	// Inputs are the arguments of fib, one job each (0..50). Default DefaultFibInputs.
	Inputs []int64
	// Compare reruns the list on a one-worker pool to measure the speedup (the CLI
	// sets it by default). Without it no speedup is printed: summed job time is no
	// stand-in for one worker's time once workers outnumber CPUs.
	Compare bool
	// NodeBehaviour replays the Node script's two faults instead of fixing them (see
	// NodeFib): every worker prints the START banner too, and the primary sends each
	// of its min(Workers, jobs) workers one job, then waits for a result per job.
	NodeBehaviour bool
	// Stall bounds that wait, the replay's stand-in for Node's endless one.
	// Default DefaultStall; 10ms..MaxStall.
	Stall time.Duration
}

func (o FibOptions) withDefaults() (FibOptions, error) {
	n, err := workerCount(o.Workers)
	if err != nil {
		return o, err
	}
	o.Workers = n
	if len(o.Inputs) == 0 {
		o.Inputs = DefaultFibInputs()
	}
	if len(o.Inputs) > MaxFibInputs {
		return o, fmt.Errorf("%w: %d fib inputs: at most %d", cluster.ErrInvalid, len(o.Inputs), MaxFibInputs)
	}
	kind, err := jobs.Builtin().Lookup("fib")
	if err != nil {
		return o, err
	}
	if err := kind.ValidateAll(o.Inputs); err != nil {
		return o, fmt.Errorf("%w: %w", cluster.ErrInvalid, err)
	}
	if o.Stall == 0 {
		o.Stall = DefaultStall
	}
	if o.Stall < 10*time.Millisecond || o.Stall > MaxStall {
		return o, fmt.Errorf("%w: stall timeout %s: must be between 10ms and %s", cluster.ErrInvalid, o.Stall, MaxStall)
	}
	return o, nil
}

// Fib replays the lesson's first demo: the primary forks workers, hands out fib jobs,
// prints each result as it arrives and the total time, then disconnects the pool. The
// workers print what they receive and how long each job took. Unlike the original,
// the banner prints once and a list longer than the pool still finishes; the
// transcript ends by saying why, and by comparing with one worker. With
// opts.NodeBehaviour it replays the original's faults instead (NodeFib).
func Fib(ctx context.Context, out io.Writer, opts FibOptions) error {
	if opts.NodeBehaviour {
		_, err := NodeFib(ctx, out, opts)
		return err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	tr := newTranscript(out, finishKey)
	tr.printf("%s", Banner)
	c, err := cluster.Start(poolOptions(opts.Workers, "fib", tr))
	if err != nil {
		return fmt.Errorf("start pool: %w", err)
	}
	defer closePool(ctx, c)
	evs := watchEvents(c)
	defer evs.close()
	r := &fibRun{c: c, tr: tr, opts: opts, results: map[int]int{}}
	if err := r.play(ctx, evs); err != nil {
		return err
	}
	if err := disconnect(ctx, c); err != nil {
		return err
	}
	for _, ev := range evs.ready() {
		r.printExit(ev)
	}
	r.lesson()
	if err := r.compare(ctx); err != nil {
		return err
	}
	return tr.Err()
}

// finishKey marks a worker's "finish work" line, which the primary waits for before
// printing that worker's result.
func finishKey(line string) string {
	rest, ok := strings.CutPrefix(line, "[worker ")
	if !ok {
		return ""
	}
	id, msg, ok := strings.Cut(rest, "] ")
	if !ok || !strings.HasPrefix(msg, "finish work") {
		return ""
	}
	return "finish " + id
}

// fibRun is the primary's side of one fib demo; it is used by one goroutine.
type fibRun struct {
	c       *cluster.Cluster
	tr      *transcript
	opts    FibOptions
	online  int
	batch   string
	results map[int]int // results received per worker id
	summary cluster.BatchSummary
	node    *NodeReport // set when the run replays Node's faults
}

// play prints the pool's events until the list is done.
func (r *fibRun) play(ctx context.Context, evs *events) error {
	for {
		ev, err := evs.next(ctx)
		if err != nil {
			return fmt.Errorf("fib demo: %w", err)
		}
		done, err := r.on(ctx, ev)
		if done || err != nil {
			return err
		}
	}
}

// on handles one event; done is true once the list has ended.
func (r *fibRun) on(ctx context.Context, ev cluster.Event) (done bool, err error) {
	switch ev.Type {
	case cluster.EventFork:
		r.tr.announce(ev.Worker, "[master] : fork worker %d", ev.Worker)
	case cluster.EventOnline:
		r.online++
		if r.batch == "" && r.online >= r.opts.Workers {
			return false, r.submit()
		}
	case cluster.EventJobDone:
		r.onResult(ctx, ev)
	case cluster.EventJobFailed:
		r.tr.printf("[master] fib(%s) failed on [worker %d]: %s", ev.Input, ev.Worker, ev.Error)
	case cluster.EventExit:
		r.printExit(ev)
	case cluster.EventDegraded:
		return false, fmt.Errorf("fib demo: %s", ev.Error)
	case cluster.EventBatchDone:
		if ev.Batch == r.batch && ev.Summary != nil {
			r.summary = *ev.Summary
			if r.node == nil || r.node.Sent == r.node.Jobs {
				r.tr.printf("[master] finish all work and using %d ms", ms(r.summary.WallMS))
			}
			return true, nil
		}
	}
	return false, nil
}

// submit queues the whole list once every worker is online, so that the fork lines
// come before any worker's output.
func (r *fibRun) submit() error {
	inputs := r.opts.Inputs
	if r.node != nil { // Node's loop: one job for each worker it forked, no more
		inputs = inputs[:r.node.Sent]
	}
	b, err := r.c.Submit("fib", inputs, cluster.BatchOptions{Timeout: fibTimeout})
	if err != nil {
		return fmt.Errorf("submit fib jobs: %w", err)
	}
	r.batch = b.ID
	return nil
}

// onResult prints a result after the worker's own "finish work" line for it.
func (r *fibRun) onResult(ctx context.Context, ev cluster.Event) {
	r.results[ev.Worker]++
	if r.node != nil {
		r.node.Answered++
	}
	r.tr.await(ctx, "finish "+strconv.Itoa(ev.Worker), r.results[ev.Worker], 2*time.Second)
	r.tr.printf("[master] receive message from [worker %d]: %s", ev.Worker, ev.Result)
}

// printExit prints Node's cluster.on('exit') line, with how the worker ended.
func (r *fibRun) printExit(ev cluster.Event) {
	if ev.Type != cluster.EventExit {
		return
	}
	how := "exit code " + exitReason(ev)
	if ev.Signal != "" {
		how = "killed by " + ev.Signal
	}
	r.tr.printf("[master] : worker %d died (%s, exitedAfterDisconnect: %t)", ev.Worker, how, intentional(ev))
}

// ms rounds milliseconds for printing.
func ms(f float64) int64 { return int64(f + 0.5) }
