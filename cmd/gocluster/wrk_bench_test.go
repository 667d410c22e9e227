package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The wrk rows (issue 18): what users measure, the built binary under wrk, on
// loopback. The servers take turns, round after round, so that other load on the
// machine falls on all of them alike; each round is one wrk run after a warm-up.
const (
	wrkRounds   = 3
	wrkDuration = 3 * time.Second
	wrkWarmup   = time.Second
	wrkThreads  = "2"
	wrkConns    = "32"
)

// clockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ, 100 on
// every Linux the Go runtime supports.
const clockTick = 10 * time.Millisecond

// wrkTarget is one server under test: its address and, for a gocluster primary,
// its pid, whose CPU time is measured over each round.
type wrkTarget struct {
	name string // metric prefix
	addr string
	pid  int // 0: no primary (the plain process)
}

// wrkRun is what one wrk run reported, with the primary's CPU meanwhile.
type wrkRun struct {
	requests      int64
	seconds       float64
	p50ms, p99ms  float64
	primaryCPU    time.Duration
	errorsSummary string // wrk's socket errors and non-2xx lines, "" for none
}

// BenchmarkWrk runs wrk -t2 -c32 against a plain net/http hello process
// (GOMAXPROCS 2), `gocluster demo http -notify=false` (two workers on the shared
// port, default balance), `gocluster demo http` (the same plus one notifyRequest
// message per request, which the primary counts) and the latter with -balance os.
// It reports req/s, p50 and p99 latency, and the primary's CPU per message (per
// request for -notify=false) from /proc/PID/stat. Without wrk it is skipped.
func BenchmarkWrk(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (Debian: apt-get install wrk, or make deps)")
	}
	for i := 0; i < b.N; i++ {
		targets := []wrkTarget{
			{name: "plain", addr: startPlainHello(b)},
			startDemoHTTP(b, "shared", "-notify=false"),
			startDemoHTTP(b, "notify"),
			startDemoHTTP(b, "notify-os", "-balance", "os"),
		}
		runs := wrkInTurn(b, wrk, targets)
		reportWrk(b, targets, runs)
		if load, ok := loadAverage(); ok {
			b.ReportMetric(load, "loadavg-1m")
		}
	}
}

// wrkInTurn warms every target up, then runs wrk on each in turn, wrkRounds times.
func wrkInTurn(b *testing.B, wrk string, targets []wrkTarget) [][]wrkRun {
	for _, t := range targets {
		runWrk(b, wrk, t, wrkWarmup)
	}
	runs := make([][]wrkRun, len(targets))
	for r := 0; r < wrkRounds; r++ {
		for i, t := range targets {
			runs[i] = append(runs[i], runWrk(b, wrk, t, wrkDuration))
		}
	}
	return runs
}

// reportWrk reports each target's figures: req/s over all its rounds, the median
// of the rounds' p50 and p99, each ratio to the plain process, and the primary's
// CPU per request (one message each, but for "shared").
func reportWrk(b *testing.B, targets []wrkTarget, runs [][]wrkRun) {
	rps := make([]float64, len(targets))
	for i, t := range targets {
		var reqs int64
		var secs float64
		var cpu time.Duration
		var p50, p99 []float64
		for _, r := range runs[i] {
			reqs, secs, cpu = reqs+r.requests, secs+r.seconds, cpu+r.primaryCPU
			p50, p99 = append(p50, r.p50ms), append(p99, r.p99ms)
		}
		rps[i] = float64(reqs) / secs
		b.ReportMetric(rps[i], t.name+"-req/s")
		b.ReportMetric(median(p50), t.name+"-p50-ms")
		b.ReportMetric(median(p99), t.name+"-p99-ms")
		if i > 0 {
			b.ReportMetric(rps[i]/rps[0], t.name+"-vs-plain")
			unit := t.name + "-cpu-us/msg"
			if t.name == "shared" {
				unit = t.name + "-cpu-us/req"
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(reqs), unit)
		}
	}
}

// runWrk runs wrk against t for d and reads the primary's CPU time around it.
func runWrk(b *testing.B, wrk string, t wrkTarget, d time.Duration) wrkRun {
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	before := cpuTime(b, t.pid)
	out, err := exec.CommandContext(ctx, wrk, "-t"+wrkThreads, "-c"+wrkConns,
		"-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency", "http://"+t.addr+"/").CombinedOutput()
	after := cpuTime(b, t.pid)
	if err != nil {
		b.Fatalf("wrk against %s: %v\n%s", t.name, err, out)
	}
	run, err := parseWrk(string(out))
	if err != nil {
		b.Fatalf("wrk against %s: %v\n%s", t.name, err, out)
	}
	if run.errorsSummary != "" {
		b.Fatalf("wrk against %s: %s\n%s", t.name, run.errorsSummary, out)
	}
	run.primaryCPU = after - before
	return run
}

// parseWrk reads wrk --latency's summary: the 50 % and 99 % latencies, "N requests
// in 3.00s", and any socket errors or non-2xx responses.
func parseWrk(out string) (wrkRun, error) {
	var r wrkRun
	var got50, got99, gotReqs bool
	var err error
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "50%":
			r.p50ms, err = wrkMillis(f[1])
			got50 = err == nil
		case len(f) == 2 && f[0] == "99%":
			r.p99ms, err = wrkMillis(f[1])
			got99 = err == nil
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			r.requests, err = strconv.ParseInt(f[0], 10, 64)
			if err == nil {
				r.seconds, err = wrkSeconds(strings.TrimSuffix(f[3], ","))
			}
			gotReqs = err == nil && r.seconds > 0
		case strings.HasPrefix(strings.TrimSpace(line), "Socket errors:"),
			strings.HasPrefix(strings.TrimSpace(line), "Non-2xx"):
			r.errorsSummary += strings.TrimSpace(line) + "; "
		}
		if err != nil {
			return r, fmt.Errorf("wrk output line %q: %w", line, err)
		}
	}
	if !got50 || !got99 || !gotReqs {
		return r, fmt.Errorf("no latency distribution or request count in wrk's output")
	}
	return r, nil
}

// wrkMillis reads a wrk duration (850.00us, 7.40ms, 1.02s, 2.00m) in milliseconds.
func wrkMillis(s string) (float64, error) {
	secs, err := wrkSeconds(s)
	return secs * 1e3, err
}

func wrkSeconds(s string) (float64, error) {
	for _, u := range []struct {
		suffix string
		secs   float64
	}{{"us", 1e-6}, {"ms", 1e-3}, {"m", 60}, {"h", 3600}, {"s", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseFloat(v, 64)
			return n * u.secs, err
		}
	}
	return 0, fmt.Errorf("duration %q has no unit", s)
}

// cpuTime is the user plus system CPU time of process pid (0: none) so far.
func cpuTime(b *testing.B, pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// The command name may hold spaces and parentheses: fields count from the last ')'.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		b.Fatalf("short /proc/%d/stat: %q", pid, raw)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("/proc/%d/stat: %q", pid, raw)
	}
	return time.Duration(utime+stime) * clockTick
}

// loadAverage is the one-minute load average, to print beside the figures.
func loadAverage() (float64, bool) {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return v, err == nil
}

// startDemoHTTP starts `gocluster demo http -workers 2` on a free loopback port with
// extra flags and returns it as a target; it is interrupted at the end.
func startDemoHTTP(b *testing.B, name string, flags ...string) wrkTarget {
	args := append([]string{"demo", "http", "-workers", "2", "-addr", "127.0.0.1:0"}, flags...)
	cmd := exec.Command(binPath, args...)
	cmd.Env = cleanEnv()
	var out output
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stopGently(cmd) })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := reShare.FindStringSubmatch(out.String()); m != nil {
			return wrkTarget{name: name, addr: m[1], pid: cmd.Process.Pid}
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("gocluster %s did not start:\n%s", strings.Join(args, " "), &out)
	return wrkTarget{}
}

// stopGently interrupts a demo, as Ctrl-C does, and kills it if it lingers.
func stopGently(cmd *exec.Cmd) {
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// envPlainHello makes the test binary serve the demo's hello handler as a plain
// net/http process (TestMain): the ceiling the demo is compared with.
const envPlainHello = "GOCLUSTER_BENCH_PLAIN_HELLO"

// startPlainHello starts the plain process with GOMAXPROCS 2 and returns its
// address; it is stopped (stdin closed) at the end.
func startPlainHello(b *testing.B) string {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(cleanEnv(), envPlainHello+"=1", "GOMAXPROCS=2")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("plain hello process: %v", err)
	}
	return strings.TrimSpace(addr)
}

// servePlainHello is the plain process: it prints its address and serves "hello
// world" as the http demo's workers do, until stdin closes.
func servePlainHello() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(ln.Addr())
	go func() { bufio.NewReader(os.Stdin).ReadByte(); ln.Close() }()
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("hello world\n"))
	})}
	srv.Serve(ln)
	return 0
}

// TestParseWrk reads a summary wrk 4.1 printed.
func TestParseWrk(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:40000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms    2.10ms  40.00ms   95.00%
    Req/Sec    15.00k     1.00k   17.00k    70.00%
  Latency Distribution
     50%  836.00us
     75%    1.10ms
     90%    1.60ms
     99%    1.02s
  90000 requests in 3.00s, 10.00MB read
Requests/sec:  30000.00
Transfer/sec:      3.33MB
`
	r, err := parseWrk(out)
	if err != nil || r.requests != 90000 || r.seconds != 3 || r.p50ms != 0.836 || r.p99ms != 1020 || r.errorsSummary != "" {
		t.Fatalf("%+v, %v", r, err)
	}
	r, err = parseWrk(strings.Replace(out, "Requests/sec", "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec", 1))
	if err != nil || !strings.Contains(r.errorsSummary, "read 3") {
		t.Fatalf("socket errors missed: %+v, %v", r, err)
	}
	if _, err := parseWrk("Running 3s test\n"); err == nil {
		t.Fatal("an output without figures was accepted")
	}
}
