package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// BenchmarkScaleBinary times PUT /api/pool {"size":10} on the real gocluster binary
// serving 2 workers: from the request to the last new worker.online event, and
// from the first new worker.fork to that online (the figure issue 16 measured at
// 33-38 ms). Event times are the server's, on the same clock as the request's.
func BenchmarkScaleBinary(b *testing.B) {
	_, base := serveBin(b, nil, "-workers", "2")
	for i := 0; i < b.N; i++ {
		waitPool(b, base, "2 online workers", func(p pool) bool { return p.Size == 2 && online(p) == 2 })
		since := lastSeq(b, base)
		start := time.Now()
		if body, code := request(b, http.MethodPut, base+"/api/pool", `{"size":10}`); code != http.StatusOK {
			b.Fatalf("PUT /api/pool: %d %s", code, body)
		}
		firstFork, lastOnline := waitOnline(b, base, since, 8)
		b.ReportMetric(ms(lastOnline.Sub(start)), "put-to-last-online-ms")
		b.ReportMetric(ms(lastOnline.Sub(firstFork)), "fork-to-last-online-ms")
		request(b, http.MethodPut, base+"/api/pool", `{"size":2}`)
		waitPool(b, base, "back to 2 workers", func(p pool) bool { return len(p.Workers) == 2 })
	}
}

func online(p pool) int {
	n := 0
	for _, w := range p.Workers {
		if w.State == "idle" || w.State == "busy" {
			n++
		}
	}
	return n
}

type benchEvent struct {
	Seq  uint64    `json:"seq"`
	Type string    `json:"type"`
	Time time.Time `json:"time"`
}

func events(b testing.TB, base string, since uint64) []benchEvent {
	body, code := request(b, http.MethodGet, base+"/api/events?since="+strconv.FormatUint(since, 10), "")
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
		firstFork = time.Time{}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("fewer than %d workers came online", n)
	return
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
