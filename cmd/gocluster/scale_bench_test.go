package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkScaleBinary times PUT /api/pool {"size":10} on the real gocluster binary
// serving 2 workers: from the request to the last new worker.online event, and
// from the first new worker.fork to that online (the figure issue 16 measured at
// 33-38 ms). Event times are the server's, on the same clock as the request's.
// Two servers take turns, one with default flags (-standby 8: every fork takes a
// spare that is ready, the bench waits until they are) and one with -standby 0
// (every fork execs), so the figures with and without spares come from one run.
// CPU figures come from /proc (schedstat), in rounds of their own after the timed
// ones: what the new workers used from the request until they were all online,
// and their processes' whole life so far (with their start as a spare), each a
// mean per worker.
// It starts the binary itself, with helpers of its own that take a testing.TB,
// rather than the tests' (which take a *testing.T).
func BenchmarkScaleBinary(b *testing.B) {
	warm := startBenchServer(b, defaultStandby, "-workers", "2")
	cold := startBenchServer(b, 0, "-workers", "2", "-standby", "0")
	var ws, cs scaleStats
	for i := 0; i < b.N; i++ {
		ws.add(scaleOnce(b, warm, false))
		cs.add(scaleOnce(b, cold, false))
	}
	for range cpuSamples { // reading /proc around a timed scale would slow it
		ws.addCPU(scaleOnce(b, warm, true))
		cs.addCPU(scaleOnce(b, cold, true))
	}
	ws.report(b, "")
	cs.report(b, "nostandby-")
}

// benchServer is a gocluster serve the bench started: its URL, its pid and how
// many spares it keeps ready.
type benchServer struct {
	base    string
	pid     int
	standby int
}

func startBenchServer(b testing.TB, standby int, args ...string) benchServer {
	base, pid := serveForBench(b, args...)
	return benchServer{base: base, pid: pid, standby: standby}
}

// scaleOnce scales s from 2 to 10 workers and back, once its 2 workers are
// online and its spares ready; with cpu, it reads the new workers' CPU too.
func scaleOnce(b *testing.B, s benchServer, cpu bool) scaleSample {
	waitOnlineCount(b, s.base, 2)
	waitStandby(b, s.base, s.standby)
	since := lastSeq(b, s.base)
	var before map[int]time.Duration
	if cpu {
		before = childCPU(s.pid)
	}
	start := time.Now()
	if body, code := benchRequest(b, http.MethodPut, s.base+"/api/pool", `{"size":10}`); code != http.StatusOK {
		b.Fatalf("PUT /api/pool: %d %s", code, body)
	}
	firstFork, lastOnline, pids := waitOnline(b, s.base, since, 8)
	x := scaleSample{put: lastOnline.Sub(start), fork: lastOnline.Sub(firstFork)}
	if cpu {
		for _, pid := range pids {
			used := procCPU(pid)
			x.cpu += used - before[pid]
			x.life += used
		}
		x.cpu /= time.Duration(len(pids))
		x.life /= time.Duration(len(pids))
	}
	benchRequest(b, http.MethodPut, s.base+"/api/pool", `{"size":2}`)
	return x
}

type scaleSample struct{ put, fork, cpu, life time.Duration }

// scaleStats gathers samples; it reports medians.
type scaleStats struct{ put, fork, cpu, life []time.Duration }

func (s *scaleStats) add(x scaleSample) { s.put, s.fork = append(s.put, x.put), append(s.fork, x.fork) }

func (s *scaleStats) addCPU(x scaleSample) {
	s.cpu, s.life = append(s.cpu, x.cpu), append(s.life, x.life)
}

func (s *scaleStats) report(b *testing.B, prefix string) {
	b.ReportMetric(ms(median(s.put)), prefix+"put-to-last-online-ms")
	b.ReportMetric(ms(median(s.fork)), prefix+"fork-to-last-online-ms")
	b.ReportMetric(ms(median(s.cpu)), prefix+"start-cpu-ms")
	b.ReportMetric(ms(median(s.life)), prefix+"proc-cpu-ms")
}

// median of v (the mean of the middle two for an even count); the benchmarks'
// durations and rates alike.
func median[T time.Duration | float64](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// serveForBench starts `gocluster serve` on a free loopback port, killed at the
// end, and returns its base URL and pid.
func serveForBench(b testing.TB, args ...string) (string, int) {
	cmd := exec.Command(binPath, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = cleanEnv()
	var out output
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := rePanel.FindStringSubmatch(out.String()); m != nil {
			return "http://" + m[1], cmd.Process.Pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("gocluster serve did not start:\n%s", &out)
	return "", 0
}

func benchRequest(b testing.TB, method, url, body string) (string, int) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return string(out), resp.StatusCode
}

// waitOnlineCount polls GET /api/pool until it has exactly n workers, all online.
func waitOnlineCount(b testing.TB, base string, n int) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var p struct {
			Workers []struct{ State string } `json:"workers"`
		}
		body, _ := benchRequest(b, http.MethodGet, base+"/api/pool", "")
		json.Unmarshal([]byte(body), &p)
		ready := len(p.Workers) == n
		for _, w := range p.Workers {
			ready = ready && (w.State == "idle" || w.State == "busy")
		}
		if ready {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatalf("the pool never had %d online workers", n)
}

type benchEvent struct {
	Seq     uint64    `json:"seq"`
	Type    string    `json:"type"`
	Time    time.Time `json:"time"`
	Worker  int       `json:"worker"`
	PID     int       `json:"pid"`
	Standby bool      `json:"standby"`
}

func events(b testing.TB, base string, since uint64) []benchEvent {
	body, code := benchRequest(b, http.MethodGet, base+"/api/events?since="+strconv.FormatUint(since, 10), "")
	var evs []benchEvent
	if code != http.StatusOK || json.Unmarshal([]byte(body), &evs) != nil {
		b.Fatalf("GET /api/events: %d %s", code, body)
	}
	return evs
}

func lastSeq(b testing.TB, base string) uint64 {
	var seq uint64
	for _, e := range events(b, base, 0) {
		seq = max(seq, e.Seq)
	}
	return seq
}

// waitOnline polls the events after since until n workers came online; it returns
// the time of the first fork and of the n-th online, and the pids that came online.
func waitOnline(b testing.TB, base string, since uint64, n int) (firstFork, lastOnline time.Time, pids []int) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		firstFork, pids = time.Time{}, pids[:0]
		for _, e := range events(b, base, since) {
			switch {
			case e.Type == "worker.fork" && firstFork.IsZero():
				firstFork = e.Time
			case e.Type == "worker.online":
				pids = append(pids, e.PID)
				lastOnline = e.Time
			}
		}
		if len(pids) >= n {
			return firstFork, lastOnline, pids
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("fewer than %d workers came online", n)
	return
}

// waitStandby polls GET /api/pool until n spares are ready.
func waitStandby(b testing.TB, base string, n int) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var p struct{ Standby int }
		body, _ := benchRequest(b, http.MethodGet, base+"/api/pool", "")
		if json.Unmarshal([]byte(body), &p) == nil && p.Standby == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatalf("the pool never had %d standbys ready", n)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
