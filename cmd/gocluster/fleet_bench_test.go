package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkFleet measures agents on loopback (docs/scale-out.md): tiny jobs/s
// through 2 agents × 2 workers against the same 4 workers local, and the latency
// from a remote worker's death (SIGKILL) to its worker.exit reaching a client of
// /api/events (long-polling, as the browser's stream waits).
func BenchmarkFleet(b *testing.B) {
	const n = 50_000
	local, _ := serveForBench(b, "-workers", "4")
	waitOnlineCount(b, local, 4)
	remote, url := fleetForBench(b)
	for _, name := range []string{"bench-a", "bench-b"} {
		agentForBench(b, url, name)
	}
	waitOnlineCount(b, remote, 4)
	for i := 0; i < b.N; i++ {
		l := tinyJobsPerSec(b, local, n)
		r := tinyJobsPerSec(b, remote, n)
		b.ReportMetric(l, "local-jobs/s")
		b.ReportMetric(r, "remote-jobs/s")
		b.ReportMetric(r/l, "remote-vs-local")
	}
	b.ReportMetric(exitLatencyP99(b, remote, 20), "exit-event-p99-ms")
}

// fleetForBench starts serve with no local workers and an embedded NATS server.
func fleetForBench(b *testing.B) (base, url string) {
	cmd := exec.Command(binPath, "serve", "-addr", "127.0.0.1:0", "-workers", "0", "-cluster-listen", "127.0.0.1:0")
	cmd.Env = cleanEnv()
	var out output
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		p, u := rePanel.FindStringSubmatch(out.String()), reAgentsJoin.FindStringSubmatch(out.String())
		if p != nil && u != nil {
			return "http://" + p[1], u[1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("gocluster serve did not start:\n%s", &out)
	return "", ""
}

func agentForBench(b *testing.B, url, name string) {
	cmd := exec.Command(binPath, "agent", "-join", url, "-name", name, "-workers", "2", "-quiet")
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

// tinyJobsPerSec runs n fib(1) jobs in one list and returns jobs/s of its wall.
func tinyJobsPerSec(b *testing.B, base string, n int) float64 {
	body, code := benchRequest(b, http.MethodPost, base+"/api/batches?wait=300s",
		`{"kind":"fib","inputs":[`+strings.TrimSuffix(strings.Repeat("1,", n), ",")+`]}`)
	var l struct {
		State   string `json:"state"`
		Summary struct {
			Done   int     `json:"done"`
			WallMS float64 `json:"wall_ms"`
		} `json:"summary"`
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &l) != nil || l.State != "done" || l.Summary.Done != n {
		b.Fatalf("list of %d tiny jobs: %d %.300s", n, code, body)
	}
	return float64(n) / (l.Summary.WallMS / 1000)
}

// exitLatencyP99 kills a remote worker k times and returns the p99 (ms) from the
// kill to its worker.exit event in a long-polling client's hands.
func exitLatencyP99(b *testing.B, base string, k int) float64 {
	var lat []float64
	for range k {
		waitOnlineCount(b, base, 4)
		since := lastSeq(b, base)
		var pool struct {
			Workers []struct{ ID, PID int } `json:"workers"`
		}
		body, _ := benchRequest(b, http.MethodGet, base+"/api/pool", "")
		if json.Unmarshal([]byte(body), &pool) != nil || len(pool.Workers) == 0 {
			b.Fatalf("pool: %s", body)
		}
		w := pool.Workers[0]
		start := time.Now()
		syscall.Kill(w.PID, syscall.SIGKILL) // the agent's worker: loopback, so its pid is ours to signal
		for got := false; !got; {
			body, code := benchRequest(b, http.MethodGet, fmt.Sprintf("%s/api/events?since=%d&wait=30s", base, since), "")
			var evs []struct {
				Seq    uint64 `json:"seq"`
				Type   string `json:"type"`
				Worker int    `json:"worker"`
			}
			if code != http.StatusOK || json.Unmarshal([]byte(body), &evs) != nil {
				b.Fatalf("events: %d %s", code, body)
			}
			for _, e := range evs {
				since = max(since, e.Seq)
				got = got || e.Type == "worker.exit" && e.Worker == w.ID
			}
		}
		lat = append(lat, ms(time.Since(start)))
	}
	b.Logf("exit latencies (ms): %.1f", lat)
	slices.Sort(lat)
	return lat[(len(lat)*99+99)/100-1]
}
