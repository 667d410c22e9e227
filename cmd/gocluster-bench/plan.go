package main

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// group is one run of a test binary: the benchmarks matching bench in pkg, each
// iteration count fixed by benchtime so every run does the same work.
type group struct {
	pkg       string // package directory, relative to the module root
	bench     string // top-level benchmark name
	benchtime string // go test -benchtime value
	slow      bool   // run -slow-count times instead of -count
	maxRuns   int    // cap on runs (0: none), for the long ones
	optional  bool   // may be missing (another package's benchmark)
	needs     string // a command it runs (wrk): without it the group is skipped, saying so
}

// runs is how many times the group is run under cfg.
func (g group) runs(cfg config) int {
	n := cfg.count
	if g.slow {
		n = cfg.slow
	}
	if g.maxRuns > 0 && n > g.maxRuns {
		n = g.maxRuns
	}
	return n
}

// available reports why the group cannot run here: a command it needs is missing.
func (g group) available() error {
	if g.needs == "" {
		return nil
	}
	if _, err := exec.LookPath(g.needs); err != nil {
		return fmt.Errorf("needs %s, which is not installed (Debian: apt-get install %s; make deps installs it)", g.needs, g.needs)
	}
	return nil
}

// row is one figure of the table: a benchmark's metric, with a label and maybe a target.
type row struct {
	bench, unit, label string
	target             target
}

// target is what a figure should be: below (op '<') or at least (op '>') value.
type target struct {
	op    byte
	value float64
}

func (t target) String() string {
	switch t.op {
	case '<':
		return "< " + formatTarget(t.value)
	case '>':
		return "≥ " + formatTarget(t.value)
	}
	return ""
}

// met reports whether v meets the target; ok is false when there is none.
func (t target) met(v float64) (met, ok bool) {
	switch t.op {
	case '<':
		return v < t.value, true
	case '>':
		return v >= t.value, true
	}
	return false, false
}

// formatTarget writes a target as people write it: 5, 1.25, 160,000.
func formatTarget(v float64) string {
	if v >= 1000 {
		return groupThousands(strconv.FormatFloat(v, 'f', 0, 64))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func below(v float64) target   { return target{op: '<', value: v} }
func atLeast(v float64) target { return target{op: '>', value: v} }

// defaultPlan is what `make bench` runs, in table order.
func defaultPlan() []group {
	return []group{
		{pkg: "cluster", bench: "BenchmarkForkOnline", benchtime: "10x"},
		{pkg: "cluster", bench: "BenchmarkKillReplace", benchtime: "10x"},
		{pkg: "cmd/gocluster", bench: "BenchmarkKillBinary", benchtime: "10x", maxRuns: 3},
		{pkg: "cmd/gocluster", bench: "BenchmarkScaleBinary", benchtime: "5x", maxRuns: 3},
		{pkg: "cluster", bench: "BenchmarkRoundTrip", benchtime: "5000x"},
		{pkg: "cluster", bench: "BenchmarkPipelined", benchtime: "500000x"},
		{pkg: "cluster", bench: "BenchmarkTinyJobs", benchtime: "200000x"},
		{pkg: "server", bench: "BenchmarkHTTPTinyJobs", benchtime: "1x", maxRuns: 3, optional: true},
		{pkg: "cluster", bench: "BenchmarkTinyJSON", benchtime: "1x", maxRuns: 3},
		{pkg: "cluster", bench: "BenchmarkFibReference", benchtime: "1x", slow: true},
		{pkg: "cluster", bench: "BenchmarkHTTPHello", benchtime: "1x", maxRuns: 3},
		{pkg: "cluster", bench: "BenchmarkHTTPBalance", benchtime: "1x", maxRuns: 3},
		{pkg: "cmd/gocluster", bench: "BenchmarkWrk", benchtime: "1x", maxRuns: 3, needs: "wrk"},
		{pkg: "cluster", bench: "BenchmarkRollingRestart", benchtime: "1x", maxRuns: 3},
		{pkg: "server", bench: "BenchmarkFanout", benchtime: "1s", maxRuns: 3, optional: true},
		{pkg: "server", bench: "BenchmarkFragments", benchtime: "300x", maxRuns: 3, optional: true},
		{pkg: "cluster", bench: "BenchmarkMemory", benchtime: "1x"},
		{pkg: "cmd/gocluster", bench: "BenchmarkFleet", benchtime: "1x", maxRuns: 3},
		{pkg: "cmd/gocluster", bench: "BenchmarkFleetFib", benchtime: "1x", slow: true},
		{pkg: "store", bench: "BenchmarkStoreTinyJobs", benchtime: "1x", maxRuns: 3},
		{pkg: "store", bench: "BenchmarkStoreStartup", benchtime: "3x", maxRuns: 3},
		{pkg: "store", bench: "BenchmarkStoreEventLatency", benchtime: "1x", maxRuns: 3},
	}
}

// rows labels the known figures and gives their targets (issue 8), in table order.
// Metrics not listed here are shown after them under their own names.
func rows() []row {
	return []row{
		{"BenchmarkForkOnline/workers=1", "fork-online-ms", "fork to online, 1 worker (ms)", below(5)},
		{"BenchmarkForkOnline/workers=8", "all8-online-ms", "fork to online, 8 at once, last one (ms)", below(25)},
		{"BenchmarkKillReplace", "kill-online-ms", "SIGKILL to replacement online (ms)", below(10)},
		{"BenchmarkKillBinary", "kill-online-ms", "real binary, default flags: POST kill SIGKILL to replacement online (ms)", below(5)},
		{"BenchmarkKillBinary", "start-cpu-ms", "… the replacement's CPU until online (ms)", target{}},
		{"BenchmarkKillBinary", "nostandby-kill-online-ms", "… with -standby 0, SIGKILL to replacement online (ms)", target{}},
		{"BenchmarkKillBinary", "nostandby-start-cpu-ms", "… with -standby 0, the replacement's CPU until online (ms)", target{}},
		{"BenchmarkScaleBinary", "put-to-last-online-ms", "real binary, default flags: PUT /api/pool 2 → 10, request to last online (ms)", below(25)},
		{"BenchmarkScaleBinary", "fork-to-last-online-ms", "… first fork to last online, 8 forks (ms)", below(20)},
		{"BenchmarkScaleBinary", "start-cpu-ms", "… CPU per new worker, request to online (ms)", target{}},
		{"BenchmarkScaleBinary", "proc-cpu-ms", "… CPU per new worker process, its whole life so far (ms)", target{}},
		{"BenchmarkScaleBinary", "nostandby-put-to-last-online-ms", "… with -standby 0, request to last online (ms)", target{}},
		{"BenchmarkScaleBinary", "nostandby-fork-to-last-online-ms", "… with -standby 0, first fork to last online (ms)", target{}},
		{"BenchmarkScaleBinary", "nostandby-start-cpu-ms", "… with -standby 0, CPU per new worker, exec to online (ms)", target{}},
		{"BenchmarkRoundTrip", "rtt-p50-us", "IPC round trip, 1 in flight, p50 (µs)", target{}},
		{"BenchmarkRoundTrip", "rtt-p99-us", "IPC round trip, 1 in flight, p99 (µs)", target{}},
		{"BenchmarkRoundTrip", "bare-p50-us", "bare socketpair ping-pong, p50 (µs)", target{}},
		{"BenchmarkRoundTrip", "bare-p99-us", "bare socketpair ping-pong, p99 (µs)", target{}},
		{"BenchmarkRoundTrip", "ratio-vs-bare", "round trip p50 ÷ bare p50", below(1.25)},
		{"BenchmarkPipelined/workers=1", "msgs/s", "pipelined messages/s, 1 worker", atLeast(1e6)},
		{"BenchmarkPipelined/workers=2", "msgs/s", "pipelined messages/s, 2 workers", target{}},
		{"BenchmarkPipelined/workers=1", "bare-msgs/s", "bare socketpair line echo, lines/s", target{}},
		{"BenchmarkTinyJobs/workers=1", "jobs/s", "tiny jobs (fib 1) jobs/s, 1 worker", target{}},
		{"BenchmarkTinyJobs/workers=2", "jobs/s", "tiny jobs (fib 1) jobs/s, 2 workers", atLeast(160e3)},
		{"BenchmarkHTTPTinyJobs", "auto-jobs/s", "tiny jobs over HTTP (fib 1, 100k per POST), 2 workers, default prefetch (auto), jobs/s", atLeast(400e3)},
		{"BenchmarkHTTPTinyJobs", "p1-jobs/s", "… -prefetch 1, jobs/s", target{}},
		{"BenchmarkHTTPTinyJobs", "p128-jobs/s", "… -prefetch 128, jobs/s", target{}},
		{"BenchmarkHTTPTinyJobs", "auto-vs-p128", "… auto ÷ -prefetch 128 (same run, taking turns)", atLeast(0.8)},
		{"BenchmarkHTTPTinyJobs", "auto-vs-p1", "… auto ÷ -prefetch 1 (same run, taking turns)", target{}},
		{"BenchmarkTinyJSON", "go-json-jobs/s", `tiny JSON jobs ({"n":1} → {"r":1}), 100k, 2 Go workers, default prefetch, jobs/s`, target{}},
		{"BenchmarkTinyJSON", "py-json-jobs/s", "… 20k, 2 Python SDK workers, jobs/s", target{}},
		{"BenchmarkFibReference", "wall-2w-ms", "fib 44 42 42 43, 2 workers, default prefetch (auto), wall (ms)", target{}},
		{"BenchmarkFibReference", "best-2w-ms", "… best schedule of its job times (ms)", target{}},
		{"BenchmarkFibReference", "overhead-%", "… overhead over the best schedule (%)", below(2)},
		{"BenchmarkFibReference", "fifo-2w-ms", "… first-free schedule of its job times, in list order (ms)", target{}},
		{"BenchmarkFibReference", "dispatch-%", "… overhead over that first-free schedule (%)", target{}},
		{"BenchmarkFibReference", "wall-1w-ms", "… on 1 worker, wall (ms)", target{}},
		{"BenchmarkFibReference", "speedup", "… speedup of 2 workers over 1", target{}},
		{"BenchmarkHTTPHello", "plain-req/s", "HTTP hello, plain net/http process, req/s", target{}},
		{"BenchmarkHTTPHello", "plain-p99-ms", "HTTP hello, plain process, p99 (ms)", target{}},
		{"BenchmarkHTTPHello", "shared-req/s", "HTTP hello, 2 workers on a shared port, req/s", target{}},
		{"BenchmarkHTTPHello", "shared-p99-ms", "HTTP hello, 2 workers, p99 (ms)", target{}},
		{"BenchmarkHTTPHello", "shared-vs-plain", "… 2 workers ÷ plain", atLeast(0.95)},
		{"BenchmarkHTTPHello", "notify-req/s", "HTTP hello + notifyRequest message, req/s", target{}},
		{"BenchmarkHTTPHello", "notify-p99-ms", "HTTP hello + notifyRequest, p99 (ms)", target{}},
		{"BenchmarkHTTPHello", "notify-vs-plain", "… with messages ÷ plain", atLeast(0.85)},
		{"BenchmarkHTTPBalance", "plain-req/s", "HTTP hello, clients from 8 loopback IPs, plain process, req/s", target{}},
		{"BenchmarkHTTPBalance", "os-req/s", "… 2 workers, balance os (kernel accept), req/s", target{}},
		{"BenchmarkHTTPBalance", "rr-req/s", "… 2 workers, balance rr (primary accepts, passes fds), req/s", target{}},
		{"BenchmarkHTTPBalance", "sticky-req/s", "… 2 workers, balance sticky (by client IP), req/s", target{}},
		{"BenchmarkHTTPBalance", "node-req/s", "… Node's own 2-worker cluster (round-robin), req/s, if node is installed", target{}},
		{"BenchmarkHTTPBalance", "rr-vs-node", "… gocluster rr ÷ Node's cluster", target{}},
		{"BenchmarkHTTPBalance", "rr-vs-os", "… rr ÷ os", atLeast(0.9)},
		{"BenchmarkHTTPBalance", "sticky-vs-os", "… sticky ÷ os", atLeast(0.85)},
		{"BenchmarkHTTPBalance", "os-split-%", "10k new connections, busier worker's share, os (%)", target{}},
		{"BenchmarkHTTPBalance", "rr-split-%", "10k new connections, busier worker's share, rr (%)", below(51)},
		{"BenchmarkHTTPBalance", "sticky-split-%", "10k new connections from 8 IPs, busier worker's share, sticky (%)", target{}},
		{"BenchmarkWrk", "plain-req/s", "wrk -t2 -c32 on the real binary: plain net/http hello process (GOMAXPROCS 2), req/s", target{}},
		{"BenchmarkWrk", "plain-p50-ms", "… plain process, p50 (ms)", target{}},
		{"BenchmarkWrk", "plain-p99-ms", "… plain process, p99 (ms)", target{}},
		{"BenchmarkWrk", "shared-req/s", "… gocluster demo http -notify=false (2 workers, shared port, rr), req/s", target{}},
		{"BenchmarkWrk", "shared-p50-ms", "… -notify=false, p50 (ms)", target{}},
		{"BenchmarkWrk", "shared-p99-ms", "… -notify=false, p99 (ms)", target{}},
		{"BenchmarkWrk", "shared-vs-plain", "… -notify=false ÷ plain", target{}},
		{"BenchmarkWrk", "shared-cpu-us/req", "… -notify=false, primary CPU per request (µs)", target{}},
		{"BenchmarkWrk", "notify-req/s", "… gocluster demo http (+ one notifyRequest message per request, default flags), req/s", target{}},
		{"BenchmarkWrk", "notify-p50-ms", "… demo http, p50 (ms)", target{}},
		{"BenchmarkWrk", "notify-p99-ms", "… demo http, p99 (ms)", target{}},
		{"BenchmarkWrk", "notify-vs-plain", "… demo http ÷ plain", atLeast(0.85)},
		{"BenchmarkWrk", "notify-cpu-us/msg", "… demo http, primary CPU per notifyRequest message (µs, /proc)", below(3)},
		{"BenchmarkWrk", "notify-os-req/s", "… demo http -balance os, req/s", target{}},
		{"BenchmarkWrk", "notify-os-p50-ms", "… -balance os, p50 (ms)", target{}},
		{"BenchmarkWrk", "notify-os-p99-ms", "… -balance os, p99 (ms)", target{}},
		{"BenchmarkWrk", "notify-os-vs-plain", "… -balance os ÷ plain", target{}},
		{"BenchmarkWrk", "notify-os-cpu-us/msg", "… -balance os, primary CPU per message (µs)", target{}},
		{"BenchmarkWrk", "loadavg-1m", "… load average (1 min) at the end of the wrk rows", target{}},
		{"BenchmarkRollingRestart/go-rr", "failed-requests", "20 rolling restarts of 2 HTTP workers under 8 clients, Go workers (rr): failed requests", below(1)},
		{"BenchmarkRollingRestart/go-rr", "requests", "… requests served meanwhile", target{}},
		{"BenchmarkRollingRestart/go-rr", "restart-ms", "… one rolling restart of 2 workers (ms)", target{}},
		{"BenchmarkRollingRestart/plain-python", "failed-requests", "… socket-activated Python server (-protocol none): failed requests", below(1)},
		{"BenchmarkRollingRestart/plain-python", "requests", "… requests served meanwhile", target{}},
		{"BenchmarkRollingRestart/plain-python", "restart-ms", "… one rolling restart of 2 workers (ms)", target{}},
		{"BenchmarkFanout/clients=1", "p99-ms", "WS fan-out, 1 client, event p99 (ms)", target{}},
		{"BenchmarkFanout/clients=100", "p99-ms", "WS fan-out, 100 clients, event p99 (ms)", target{}},
		{"BenchmarkFanout/clients=1000", "p99-ms", "WS fan-out, 1000 clients, event p99 (ms)", below(50)},
		{"BenchmarkFanout/clients=1", "events/s", "WS fan-out, 1 client, events/s", target{}},
		{"BenchmarkFanout/clients=100", "events/s", "WS fan-out, 100 clients, events/s", target{}},
		{"BenchmarkFanout/clients=1000", "events/s", "WS fan-out, 1000 clients, events/s", target{}},
		{"BenchmarkFanout/clients=1", "deliveries/s", "WS fan-out, 1 client, deliveries/s", target{}},
		{"BenchmarkFanout/clients=100", "deliveries/s", "WS fan-out, 100 clients, deliveries/s", target{}},
		{"BenchmarkFanout/clients=1000", "deliveries/s", "WS fan-out, 1000 clients, deliveries/s", target{}},
		{"BenchmarkFanout/clients=1", "heap-B/client", "memory per WebSocket client, 1 client (B)", target{}},
		{"BenchmarkFanout/clients=100", "heap-B/client", "memory per WebSocket client, 100 clients (B)", target{}},
		{"BenchmarkFanout/clients=1000", "heap-B/client", "memory per WebSocket client, 1000 clients (B)", target{}},
		{"BenchmarkFragments/clients=1", "p99-ms", "panel fragments (/ws/fragments), 1 browser, Scale call to fragments read, p99 (ms)", target{}},
		{"BenchmarkFragments/clients=100", "p99-ms", "… 100 browsers, p99 (ms)", target{}},
		{"BenchmarkFragments/clients=1000", "p99-ms", "… 1000 browsers, p99 (ms)", below(50)},
		{"BenchmarkFragments/clients=1000", "events/s", "… 1000 browsers, events/s (one at a time)", target{}},
		{"BenchmarkFragments/clients=1000", "cpu-ms/event", "… 1000 browsers, CPU per event, server and clients (ms)", target{}},
		{"BenchmarkMemory", "primary-rss-MB", "primary RSS, idle with 2 workers (MB)", target{}},
		{"BenchmarkMemory", "worker-rss-MB", "RSS of one idle worker (MB)", below(10)},
		{"BenchmarkFleet", "local-jobs/s", "tiny jobs (fib 1, 50k), 4 local workers, jobs/s", target{}},
		{"BenchmarkFleet", "remote-jobs/s", "… 2 agents × 2 workers over NATS on loopback, jobs/s", target{}},
		{"BenchmarkFleet", "remote-vs-local", "… agents ÷ local", atLeast(0.5)},
		{"BenchmarkFleet", "exit-event-p99-ms", "remote worker SIGKILL to its worker.exit at a /ws client, p99 of 20 (ms)", below(20)},
		{"BenchmarkFleet", "exit-event-poll-p99-ms", "… at a long-polling /api/events client, p99 of 20 (ms)", below(20)},
		{"BenchmarkFleetFib", "wall-ms", "fib 44 42 42 43 on 2 agents × 1 worker over NATS on loopback (primary -workers 0), wall (ms)", target{}},
		{"BenchmarkFleetFib", "best-ms", "… best schedule of its job times on 2 workers (ms)", target{}},
		{"BenchmarkFleetFib", "overhead-%", "… overhead over the best schedule (%)", below(3)},
		{"BenchmarkFleetFib", "fifo-ms", "… first-free schedule of its job times, in list order (ms)", target{}},
		{"BenchmarkFleetFib", "dispatch-%", "… overhead over that first-free schedule (%)", target{}},
		{"BenchmarkStoreTinyJobs", "memory-jobs/s", "tiny jobs (fib 1, 200k), 2 workers, memory only (-ephemeral), jobs/s", target{}},
		{"BenchmarkStoreTinyJobs", "sqlite-jobs/s", "… with the SQLite store, until durable, jobs/s", target{}},
		{"BenchmarkStoreTinyJobs", "sqlite-vs-memory", "… store ÷ memory only (same run, taking turns)", atLeast(0.6)},
		{"BenchmarkStoreTinyJobs", "disk-B-per-1M-jobs", "… database bytes per 1M tiny jobs", target{}},
		{"BenchmarkStoreStartup", "startup-ms", "store open at start with 1M jobs of history (ms)", target{}},
		{"BenchmarkStoreStartup", "db-bytes", "… that database's size (bytes)", target{}},
		{"BenchmarkStoreEventLatency", "memory-event-p99-ms", "job submitted to its job.done event, 1-job lists one at a time, memory only, p99 of 300 (ms)", target{}},
		{"BenchmarkStoreEventLatency", "sqlite-event-p99-ms", "… with the SQLite store (same run, taking turns), p99 (ms)", target{}},
		{"BenchmarkStoreEventLatency", "memory-event-p50-ms", "… memory only, p50 (ms)", target{}},
		{"BenchmarkStoreEventLatency", "sqlite-event-p50-ms", "… with the SQLite store, p50 (ms)", target{}},
	}
}

// defaultLabel names a figure no row describes.
func defaultLabel(bench, unit string) string {
	return fmt.Sprintf("%s: %s", strings.TrimPrefix(bench, "Benchmark"), unit)
}
