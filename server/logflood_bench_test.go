package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// floodScript prints 100-byte lines at a steady MB/s for a number of seconds, in
// the background of a worker: sh starts it, then becomes this test binary, which
// keeps the IPC socket and serves jobs while the flood goes on in the same pipe.
const floodScript = `python3 -c '
import sys, time
mbps, secs = float(sys.argv[1]), float(sys.argv[2])
chunk = (b"x" * 99 + b"\n") * 5000
step = len(chunk) / (mbps * 1e6)
t = start = time.time()
while t - start < secs:
    sys.stdout.buffer.write(chunk); sys.stdout.buffer.flush()
    t += step
    d = t - time.time()
    if d > 0: time.sleep(d)
' "$1" "$2" & exec "$0"`

// BenchmarkLogFlood: one worker prints 50 MB/s for 10 s (GOCLUSTER_FLOOD_SECONDS
// changes the time) while a client asks GET /api/pool and GET /api/logs back to back
// and a browser's fragment socket follows the Output page. It reports the API's p99
// latency, the primary's peak RSS, the output it read (prefixed, so a little more
// than printed) and kept, and the live updates the page got. The acceptance bound is a p99 under 100 ms.
func BenchmarkLogFlood(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is needed for the flood")
	}
	secs := 10.0
	if v, err := strconv.ParseFloat(os.Getenv("GOCLUSTER_FLOOD_SECONDS"), 64); err == nil && v > 0 {
		secs = v
	}
	for range b.N {
		out := &counted{}
		a := newAPIServer(b, cluster.Options{Workers: 1, Output: out, Exec: "sh",
			Args:   []string{"-c", floodScript, os.Args[0], "50", fmt.Sprint(secs)},
			Logger: slog.New(slog.DiscardHandler)}, Config{Logger: slog.New(slog.DiscardHandler)})
		frags := followFragments(b, a, "page=logs")
		start := time.Now()
		var lat []time.Duration
		peak := int64(0)
		for time.Since(start) < time.Duration(secs*float64(time.Second)) {
			for _, path := range []string{"/api/pool", "/api/logs?limit=100"} {
				t0 := time.Now()
				a.get(path).want(b, http.StatusOK, nil)
				lat = append(lat, time.Since(t0))
			}
			peak = max(peak, selfRSS())
		}
		page, _ := a.c.Logs(cluster.LogQuery{Limit: 1})
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
		b.ReportMetric(float64(out.n.Load())/1e6/secs, "read-MB/s")
		b.ReportMetric(float64(page.LastSeq)*100/1e6/secs, "kept-MB/s")
		b.ReportMetric(float64(frags())/secs, "page-updates/s")
	}
}

// counted counts the bytes of the pool's prefixed copy and drops them (a
// terminal's cost is not the primary's).
type counted struct{ n atomic.Int64 }

func (c *counted) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// followFragments connects a fragment socket like the browser's and counts the
// messages it gets; the returned func stops it and says how many came.
func followFragments(tb testing.TB, a *apiServer, query string) func() int {
	ctx, cancel := context.WithCancel(context.Background())
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.url, "http")+"/ws/fragments?"+query,
		&websocket.DialOptions{HTTPClient: a.client})
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	conn.SetReadLimit(64 << 20)
	var mu sync.Mutex
	n := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := conn.Read(ctx); err != nil {
				return
			}
			mu.Lock()
			n++
			mu.Unlock()
		}
	}()
	var once sync.Once
	stop := func() int {
		once.Do(func() { cancel(); conn.CloseNow(); <-done })
		mu.Lock()
		defer mu.Unlock()
		return n
	}
	tb.Cleanup(func() { stop() })
	return stop
}

// selfRSS is this process's resident set in bytes (the primary's: the test is it).
func selfRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
