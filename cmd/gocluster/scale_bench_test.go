package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkScaleBinary times PUT /api/pool {"size":10} on the real gocluster binary
// serving 2 workers: from the request to the last new worker.online event, and
// from the first new worker.fork to that online (the figure issue 16 measured at
// 33-38 ms). Event times are the server's, on the same clock as the request's.
// It starts the binary itself, with helpers of its own that take a testing.TB,
// rather than the tests' (which take a *testing.T).
func BenchmarkScaleBinary(b *testing.B) {
	base := serveForBench(b, "-workers", "2")
	for i := 0; i < b.N; i++ {
		waitOnlineCount(b, base, 2)
		since := lastSeq(b, base)
		start := time.Now()
		if body, code := benchRequest(b, http.MethodPut, base+"/api/pool", `{"size":10}`); code != http.StatusOK {
			b.Fatalf("PUT /api/pool: %d %s", code, body)
		}
		firstFork, lastOnline := waitOnline(b, base, since, 8)
		b.ReportMetric(ms(lastOnline.Sub(start)), "put-to-last-online-ms")
		b.ReportMetric(ms(lastOnline.Sub(firstFork)), "fork-to-last-online-ms")
		benchRequest(b, http.MethodPut, base+"/api/pool", `{"size":2}`)
	}
}

// serveForBench starts `gocluster serve` on a free loopback port, killed at the
// end, and returns its base URL.
func serveForBench(b testing.TB, args ...string) string {
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
			return "http://" + m[1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("gocluster serve did not start:\n%s", &out)
	return ""
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
	Seq  uint64    `json:"seq"`
	Type string    `json:"type"`
	Time time.Time `json:"time"`
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
// the time of the first fork and of the n-th online.
func waitOnline(b testing.TB, base string, since uint64, n int) (firstFork, lastOnline time.Time) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		seen := 0
		firstFork = time.Time{}
		for _, e := range events(b, base, since) {
			switch {
			case e.Type == "worker.fork" && firstFork.IsZero():
				firstFork = e.Time
			case e.Type == "worker.online":
				seen++
				lastOnline = e.Time
			}
		}
		if seen >= n {
			return firstFork, lastOnline
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("fewer than %d workers came online", n)
	return
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
