package demos

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// maxNodeLines bounds the transcript a Node replay keeps for the page: it has a few
// lines per worker, and the replay's workers are few.
const maxNodeLines = 400

// nodeReplay is one run of the fib demo with Node's behaviour beside the live pool:
// NodeFib on a small pool of its own, its transcript kept for the page.
type nodeReplay struct {
	numCPUs int // NodeWorkers when it started
	workers int // forked: min(NodeWorkers, jobs)
	inputs  []int64
	stall   time.Duration

	mu      sync.Mutex // guards the fields below: the replay writes while pages read
	running bool
	lines   []string
	partial []byte // a line not yet ended
	dropped int
	report  NodeReport
	err     error
}

// NodeStatus is the fib demo's Node replay as it stands (GET /api/demos/fib).
type NodeStatus struct {
	Running bool `json:"running"`
	// Ran is false before the first replay; then NumCPUs and Stall are what one
	// started now would play, and the rest is empty.
	Ran     bool             `json:"ran"`
	NumCPUs int              `json:"num_cpus"` // what the replay plays as Node's numCPUs
	Inputs  []int64          `json:"inputs"`
	Stall   cluster.Duration `json:"stall"`
	Report  NodeReport       `json:"report"`
	// Lines is the transcript so far, as `gocluster demo fib -node-behaviour` prints it.
	Lines []string `json:"lines"`
	Error string   `json:"error,omitempty"`
}

// StartNodeFib starts the fib demo's Node replay on a pool of its own, with
// NodeWorkers playing numCPUs: inputs (nil for the lesson's) over min(NodeWorkers,
// jobs) workers, one job each, and a wait of NodeStall for the rest. One runs at a
// time (ErrBusy); Close stops it.
func (d *Runner) StartNodeFib(inputs []int64) (NodeStatus, error) {
	if len(inputs) == 0 {
		inputs = DefaultFibInputs()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	opts, err := FibOptions{Workers: d.t.NodeWorkers, Inputs: inputs, Stall: d.t.NodeStall}.withDefaults()
	switch {
	case err != nil:
		return NodeStatus{}, err
	case d.closed:
		return NodeStatus{}, fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case d.node != nil && d.node.isRunning():
		return NodeStatus{}, fmt.Errorf("%w: the fib demo's Node replay is already running; wait for it to end", ErrBusy)
	}
	n := min(opts.Workers, len(opts.Inputs))
	if err := d.roomFor(n, "the Node replay"); err != nil {
		return NodeStatus{}, err
	}
	nr := &nodeReplay{numCPUs: opts.Workers, workers: n, inputs: opts.Inputs, stall: opts.Stall, running: true}
	d.node = nr
	st := nr.status() // before it starts: its transcript is still empty
	d.wg.Go(func() {
		rep, err := NodeFib(d.ctx, nr, opts)
		nr.finish(rep, err)
		if err != nil {
			d.log.Info("fib demo: Node replay ended early", "err", err)
		}
	})
	return st, nil
}

// NodeStatus is the running or the last Node replay; Ran is false before the first.
func (d *Runner) NodeStatus() NodeStatus {
	d.mu.Lock()
	nr, t := d.node, d.t
	d.mu.Unlock()
	if nr == nil { // what a replay started now would play
		return NodeStatus{NumCPUs: t.NodeWorkers, Stall: cluster.Duration(t.NodeStall), Inputs: []int64{}, Lines: []string{}}
	}
	return nr.status()
}

// Write keeps the transcript's lines, up to maxNodeLines; it never fails.
func (nr *nodeReplay) Write(b []byte) (int, error) {
	nr.mu.Lock()
	defer nr.mu.Unlock()
	nr.partial = append(nr.partial, b...)
	for {
		line, rest, ok := bytes.Cut(nr.partial, []byte("\n"))
		if !ok {
			break
		}
		if len(nr.lines) < maxNodeLines {
			nr.lines = append(nr.lines, string(line))
		} else {
			nr.dropped++
		}
		nr.partial = rest
	}
	return len(b), nil
}

func (nr *nodeReplay) finish(rep NodeReport, err error) {
	nr.mu.Lock()
	defer nr.mu.Unlock()
	nr.running, nr.report, nr.err = false, rep, err
}

func (nr *nodeReplay) isRunning() bool {
	nr.mu.Lock()
	defer nr.mu.Unlock()
	return nr.running
}

func (nr *nodeReplay) status() NodeStatus {
	nr.mu.Lock()
	defer nr.mu.Unlock()
	st := NodeStatus{Running: nr.running, Ran: true, NumCPUs: nr.numCPUs, Inputs: nr.inputs,
		Stall: cluster.Duration(nr.stall), Report: nr.report, Lines: append([]string{}, nr.lines...)}
	if nr.running { // the report is known at the end; what is known now:
		st.Report = NodeReport{Workers: nr.workers, Jobs: len(nr.inputs), Sent: nr.workers}
	}
	if nr.dropped > 0 {
		st.Lines = append(st.Lines, fmt.Sprintf("… %d more lines not kept", nr.dropped))
	}
	if nr.err != nil {
		st.Error = nr.err.Error()
	}
	return st
}

// String is the transcript as one text (logs, tests).
func (st NodeStatus) String() string { return strings.Join(st.Lines, "\n") }
