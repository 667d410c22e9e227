package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// BenchmarkFleet measures agents on loopback (docs/scale-out.md): tiny jobs/s
// through 2 agents × 2 workers against the same 4 workers local, and the latency
// from a remote worker's death (SIGKILL) to its worker.exit reaching a /ws client
// (the browser's stream) and a long-polling /api/events client.
func BenchmarkFleet(b *testing.B) {
	const n = 50_000
	local, _ := serveForBench(b, "-workers", "4")
	waitOnlineCount(b, local, 4)
	remote, url := fleetForBench(b)
	for _, name := range []string{"bench-a", "bench-b"} {
		agentForBench(b, url, name, 2)
	}
	waitOnlineCount(b, remote, 4)
	for i := 0; i < b.N; i++ {
		l := tinyJobsPerSec(b, local, n)
		r := tinyJobsPerSec(b, remote, n)
		b.ReportMetric(l, "local-jobs/s")
		b.ReportMetric(r, "remote-jobs/s")
		b.ReportMetric(r/l, "remote-vs-local")
	}
	ws, poll := exitLatencyP99(b, remote, 20)
	b.ReportMetric(ws, "exit-event-p99-ms")
	b.ReportMetric(poll, "exit-event-poll-p99-ms")
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

// agentForBench starts gocluster agent NAME with n workers, killed at the end.
func agentForBench(b *testing.B, url, name string, n int) {
	cmd := exec.Command(binPath, "agent", "-join", url, "-name", name, "-workers", strconv.Itoa(n), "-quiet")
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

// exitLatencyP99 kills a remote worker k times and returns the p99 (ms) from each
// kill to its worker.exit event in the hands of a /ws client (the browser's
// stream) and of a long-polling /api/events client, both connected throughout.
func exitLatencyP99(b *testing.B, base string, k int) (ws, poll float64) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exits := watchExitsWS(ctx, b, base)
	var wsLat, pollLat []float64
	for range k {
		waitOnlineCount(b, base, 4)
		since := lastSeq(b, base)
		w := firstWorker(b, base)
		start := time.Now()
		syscall.Kill(w, syscall.SIGKILL) // the agent's worker: loopback, so its pid is ours to signal
		pollLat = append(pollLat, ms(pollExit(b, base, since, w, start)))
		wsLat = append(wsLat, ms(wsExit(b, exits, w, start)))
	}
	b.Logf("exit latencies (ms) at /ws: %.1f; at /api/events: %.1f", wsLat, pollLat)
	return p99(wsLat), p99(pollLat)
}

func p99(v []float64) float64 {
	slices.Sort(v)
	return v[(len(v)*99+99)/100-1]
}

// firstWorker is the pid of the pool's first worker; its worker id is left for
// the watchers to match through the pid-keyed exit below.
func firstWorker(b *testing.B, base string) (pid int) {
	var pool struct {
		Workers []struct{ ID, PID int } `json:"workers"`
	}
	body, _ := benchRequest(b, http.MethodGet, base+"/api/pool", "")
	if json.Unmarshal([]byte(body), &pool) != nil || len(pool.Workers) == 0 {
		b.Fatalf("pool: %s", body)
	}
	return pool.Workers[0].PID
}

// exitEvent is the part of a worker.exit event the bench reads.
type exitEvent struct {
	Seq  uint64 `json:"seq"`
	Type string `json:"type"`
	PID  int    `json:"pid"`
}

// pollExit long-polls /api/events until the worker with pid exited, and returns
// the time since start.
func pollExit(b *testing.B, base string, since uint64, pid int, start time.Time) time.Duration {
	for {
		body, code := benchRequest(b, http.MethodGet, fmt.Sprintf("%s/api/events?since=%d&wait=30s", base, since), "")
		var evs []exitEvent
		if code != http.StatusOK || json.Unmarshal([]byte(body), &evs) != nil {
			b.Fatalf("events: %d %s", code, body)
		}
		for _, e := range evs {
			since = max(since, e.Seq)
			if e.Type == "worker.exit" && e.PID == pid {
				return time.Since(start)
			}
		}
	}
}

type seenExit struct {
	pid int
	at  time.Time
}

// watchExitsWS reads /ws until ctx ends and reports every worker.exit with when
// it was read.
func watchExitsWS(ctx context.Context, b *testing.B, base string) <-chan seenExit {
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		b.Fatalf("dial /ws: %v", err)
	}
	conn.SetReadLimit(64 << 20)
	out := make(chan seenExit, 64)
	go func() {
		defer conn.CloseNow()
		for {
			_, msg, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var e exitEvent
			if json.Unmarshal(msg, &e) == nil && e.Type == "worker.exit" {
				select {
				case out <- seenExit{e.PID, time.Now()}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// wsExit waits for the /ws client to have read pid's exit.
func wsExit(b *testing.B, exits <-chan seenExit, pid int, start time.Time) time.Duration {
	timeout := time.After(time.Minute)
	for {
		select {
		case e := <-exits:
			if e.pid == pid {
				return e.at.Sub(start)
			}
		case <-timeout:
			b.Fatalf("no worker.exit for pid %d at /ws within a minute", pid)
		}
	}
}
