package demos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// DefaultHTTPAddr is the lesson's port, on loopback.
const DefaultHTTPAddr = "127.0.0.1:8000"

// HTTPOptions configure HTTP. The zero value replays the lesson on 127.0.0.1:8000
// until ctx ends.
type HTTPOptions struct {
	// Workers is the pool size. Default: one per CPU.
	Workers int
	// Addr is the address the primary opens and shares. Default DefaultHTTPAddr;
	// port 0 picks a free port (the transcript says which).
	Addr string
	// Duration ends the demo that long after every worker listens; 0 runs until ctx
	// ends.
	Duration time.Duration
	// Interval is the time between two numReqs lines. Default 1s.
	Interval time.Duration
	// Balance is how the port's connections are spread: cluster.BalanceOS (the
	// kernel's accept, often uneven), BalanceRR (round-robin, even) or
	// BalanceSticky. Default cluster.DefaultBalance.
	Balance cluster.Balance
	// Quiet makes the workers send no notifyRequest message (numReqs then stays 0,
	// so only the final numReqs line is printed):
	// the shared port alone, which the benchmark compares with the lesson's worker.
	Quiet bool
}

func (o HTTPOptions) withDefaults() (HTTPOptions, error) {
	n, err := workerCount(o.Workers)
	if err != nil {
		return o, err
	}
	o.Workers = n
	if o.Addr == "" {
		o.Addr = DefaultHTTPAddr
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return o, fmt.Errorf("%w: address %q: %v", cluster.ErrInvalid, o.Addr, err)
	}
	if o.Duration < 0 {
		return o, fmt.Errorf("%w: duration %s is negative (0 runs until interrupted)", cluster.ErrInvalid, o.Duration)
	}
	if o.Balance, err = cluster.ParseBalance(string(o.Balance)); err != nil {
		return o, err
	}
	if o.Interval == 0 {
		o.Interval = time.Second
	}
	if o.Interval < 10*time.Millisecond {
		return o, fmt.Errorf("%w: interval %s is under 10ms", cluster.ErrInvalid, o.Interval)
	}
	return o, nil
}

// HTTP replays the lesson's request counter: the primary opens one port and shares
// it with its workers, each worker answers "hello world" and sends the primary
// {"cmd":"notifyRequest"} per request, and the primary prints numReqs every Interval
// with each worker's share. It runs for Duration or until ctx ends, which is its
// normal end, then disconnects the workers and prints the final count.
func HTTP(ctx context.Context, out io.Writer, opts HTTPOptions) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	tr := newTranscript(out, nil)
	counts := &RequestCounter{}
	popts := poolOptions(opts.Workers, "http", tr)
	popts.Listen = opts.Addr
	notify := "1" // set either way: a value in the primary's environment must not decide
	if opts.Quiet {
		notify = "0"
	}
	popts.Env = append(popts.Env, EnvHTTPNotify+"="+notify)
	popts.Balance = opts.Balance
	popts.QuietMessages = true
	popts.OnMessage = counts.OnMessage
	c, err := cluster.Start(popts)
	if err != nil {
		return fmt.Errorf("start pool: %w", err)
	}
	defer closePool(ctx, c)
	evs := watchEvents(c)
	defer evs.close()
	h := &httpRun{tr: tr, counts: counts, opts: opts}
	if err := h.serve(ctx, evs); err != nil {
		return err
	}
	if err := disconnect(ctx, c); err != nil {
		return err
	}
	tr.printf("%s (final, after every worker disconnected)", counts.line())
	return tr.Err()
}

// httpRun is the primary's side of one http demo; one goroutine uses it.
type httpRun struct {
	tr        *transcript
	counts    *RequestCounter
	opts      HTTPOptions
	listening int
}

// serve prints the pool's events and, once every worker listens, numReqs every
// Interval (not with Quiet) until Duration has passed or ctx ended.
func (h *httpRun) serve(ctx context.Context, evs *events) error {
	for h.listening < h.opts.Workers {
		ev, err := evs.next(ctx)
		if err != nil {
			return ignoreCancel(ctx, err)
		}
		h.on(ev)
	}
	for _, ev := range evs.takePending() {
		h.on(ev)
	}
	ctx, cancel := h.deadline(ctx)
	defer cancel()
	tick := time.NewTicker(h.opts.Interval)
	defer tick.Stop()
	ticks := tick.C
	if h.opts.Quiet {
		ticks = nil // no messages to count: a line of zeros every second says nothing
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
			h.tr.printf("%s", h.counts.line())
		case ev, ok := <-evs.sub.C:
			if !ok {
				return fmt.Errorf("http demo: event stream ended: %w", evs.sub.Err())
			}
			h.on(ev)
		}
	}
}

func (h *httpRun) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if h.opts.Duration > 0 {
		return context.WithTimeout(ctx, h.opts.Duration)
	}
	return context.WithCancel(ctx)
}

// on prints one pool event in the lesson's words.
func (h *httpRun) on(ev cluster.Event) {
	switch ev.Type {
	case cluster.EventFork:
		h.tr.printf("[master] : fork worker %d", ev.Worker)
	case cluster.EventListening:
		h.counts.add(ev.Worker, ev.PID, 0)
		h.listening++
		h.tr.printf("[master] worker %d is listening on %s", ev.Worker, ev.Addr)
		if h.listening == h.opts.Workers {
			h.ready(ev.Addr)
		}
	case cluster.EventExit:
		if !intentional(ev) {
			h.tr.printf("worker %d died (%s). restarting...", ev.PID, exitReason(ev))
		}
	}
}

// ready prints where to send requests, with a load command ready to copy.
func (h *httpRun) ready(addr string) {
	h.tr.printf("[master] %d workers share one socket: http://%s/", h.opts.Workers, addr)
	h.tr.printf("[master] balance %s: %s", h.opts.Balance, balanceWords[h.opts.Balance])
	if h.opts.Quiet {
		h.tr.printf("[master] -notify=false: workers report no requests, so numReqs stays 0 (printed once, at the end)")
	}
	h.tr.printf("[master] send it requests from another terminal:")
	h.tr.printf("  %s", LoadCommand(addr, 100))
}

// balanceWords says in the lesson's words who picks the worker of a connection.
var balanceWords = map[cluster.Balance]string{
	cluster.BalanceOS:     "every worker accepts on the socket; the kernel picks (often unevenly)",
	cluster.BalanceRR:     "the primary accepts and hands each connection to the next worker in turn",
	cluster.BalanceSticky: "the primary accepts and sends each client IP to the same worker",
}

// ignoreCancel turns the end of ctx into a normal end: the http demo runs until
// interrupted.
func ignoreCancel(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("http demo: %w", err)
}

// notifyRequestJSON is the lesson's message as a Go worker's Member.Send writes it.
const notifyRequestJSON = `{"cmd":"notifyRequest"}`

// isNotifyRequest reports whether msg is the lesson's {"cmd":"notifyRequest"}. The
// message as Member.Send writes it is recognised by a comparison: decoding each of
// them with encoding/json took a tenth of the primary's CPU under wrk. Any other
// spelling (a Node or Python worker's spacing, more fields) is decoded.
func isNotifyRequest(msg json.RawMessage) bool {
	if string(msg) == notifyRequestJSON {
		return true
	}
	var m struct {
		Cmd string `json:"cmd"`
	}
	return json.Unmarshal(msg, &m) == nil && m.Cmd == "notifyRequest"
}

// label is "worker N" for the per-worker split.
func label(id int) string { return "worker " + strconv.Itoa(id) }
