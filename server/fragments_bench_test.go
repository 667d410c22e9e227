package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkFragments is BenchmarkFanout for the panel's HTML stream: 1, 100 and
// 1000 browsers on /ws/fragments?page=panel, one pool.scale at a time, and the p99
// time from the Scale call to a client reading the fragments that show it (the
// message whose frag-seq marker reaches the event's seq). The panel is rendered
// once per change for all of them; cpu-ms/event is what the process (server and
// clients) spent per event. Every wait has a deadline: a client that is cut
// off or a marker that never comes fails the benchmark instead of hanging it.
func BenchmarkFragments(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchFragments(b, n) })
	}
}

// fragBenchWait bounds the wait for one event to reach every client.
const fragBenchWait = 30 * time.Second

func benchFragments(b *testing.B, n int) {
	c := startPool(b, cluster.Options{Workers: -1})
	_, url := newHubServer(b, c, Config{MaxWSClients: n}, defaultHubTimings(), nil)
	r := &fragRound{all: make(chan struct{}, 1), n: int64(n)}
	clients := make([]*benchClient, n)
	for i := range clients {
		clients[i] = startFragClient(b, url, r)
	}
	waitFor(b, "every first set", func() bool { return fanoutMinSeq(clients) > 0 })
	// One event off the clock: the first fan-out grows a thousand goroutines' stacks
	// and buffers, and alone it would be the p99 of a short run.
	r.begin(c.LastSeq() + 1)
	if err := c.Scale(0); err != nil {
		b.Fatal(err)
	}
	r.wait(b, clients)
	r.measuring.Store(true)
	start, cpu0 := time.Now(), processCPU()
	events := 0
	for b.Loop() {
		events++
		r.begin(c.LastSeq() + 1)
		if err := c.Scale(0); err != nil {
			b.Fatal(err)
		}
		r.wait(b, clients)
	}
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	for _, bc := range clients {
		bc.stop()
	}
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
	b.ReportMetric(fanoutP99(clients).Seconds()*1000, "p99-ms")
	// CPU per event counts both ends of every socket (the clients live in this
	// process): unlike the latency, other load on the machine barely moves it.
	b.ReportMetric(cpu.Seconds()*1000/float64(events), "cpu-ms/event")
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fragRound is one measured event: its seq, when Scale was called, and how many
// clients have read fragments that reach it. The last one to arrive says so on all,
// so the benchmark waits without polling a thousand counters.
type fragRound struct {
	seq     atomic.Uint64
	sent    atomic.Int64 // UnixNano of the Scale call
	arrived atomic.Int64
	n       int64
	// measuring is false during the warm-up event: its latencies are not kept.
	measuring atomic.Bool
	all       chan struct{}
}

func (r *fragRound) begin(seq uint64) {
	r.arrived.Store(0)
	r.sent.Store(time.Now().UnixNano())
	r.seq.Store(seq)
}

// reached is called by a client whose marker moved from prev to seq.
func (r *fragRound) reached(prev, seq uint64) {
	if target := r.seq.Load(); prev < target && seq >= target && r.arrived.Add(1) == r.n {
		r.all <- struct{}{}
	}
}

func (r *fragRound) wait(b *testing.B, clients []*benchClient) {
	select {
	case <-r.all:
	case <-time.After(fragBenchWait):
		behind := 0
		for _, bc := range clients {
			if bc.last.Load() < r.seq.Load() {
				behind++
			}
		}
		b.Fatalf("seq %d reached %d of %d clients in %v (%d behind; a client cut off, or a marker never sent)",
			r.seq.Load(), r.arrived.Load(), r.n, fragBenchWait, behind)
	}
}

// startFragClient reads one fragment stream, recording for each new seq marker the
// time since the round's Scale call.
func startFragClient(b *testing.B, url string, r *fragRound) *benchClient {
	conn, _, err := dialWSResp(url, "/fragments?page=panel", nil)
	if err != nil {
		b.Fatal(err)
	}
	conn.SetReadLimit(1 << 22)
	bc := &benchClient{done: make(chan struct{}), lat: make([]time.Duration, 0, benchSamples)}
	bc.stop = func() {
		conn.CloseNow()
		<-bc.done
	}
	go bc.readFragments(conn, r)
	b.Cleanup(bc.stop)
	return bc
}

var seqAttr = []byte(`id="frag-seq" hidden data-seq="`)

// readFragments reads into one buffer it reuses, as a browser's cost is not the
// server's: the benchmark's own readers share the CPU with the server under test.
func (bc *benchClient) readFragments(conn *websocket.Conn, r *fragRound) {
	defer close(bc.done)
	var buf bytes.Buffer
	for {
		_, rd, err := conn.Reader(context.Background())
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := io.Copy(&buf, rd); err != nil {
			return
		}
		data := buf.Bytes()
		i := bytes.LastIndex(data, seqAttr)
		if i < 0 {
			continue
		}
		rest := data[i+len(seqAttr):]
		end := bytes.IndexByte(rest, '"')
		if end < 0 {
			return
		}
		seq, err := strconv.ParseUint(string(rest[:end]), 10, 64)
		if err != nil {
			return
		}
		prev := bc.last.Load()
		if seq > prev && prev > 0 && r.measuring.Load() && len(bc.lat) < benchSamples {
			bc.lat = append(bc.lat, time.Since(time.Unix(0, r.sent.Load())))
		}
		bc.last.Store(seq)
		r.reached(prev, seq)
	}
}
