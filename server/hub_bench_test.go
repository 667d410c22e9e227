package server

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkFanout measures the hub with 1, 100 and 1000 WebSocket clients on
// loopback: events/s that reach every client, deliveries/s, the p99 time from an
// event's publication (its Time) to its arrival at a client, and the heap each
// connected client costs (both ends of the socket live in this process, so that is
// an upper bound for the server's share). Events are pool.scale events from Scale
// calls on a pool without workers. The publisher keeps at most benchInFlight
// deliveries outstanding (benchInFlight/clients events, at least one), as a pool
// whose event rate the hub can sustain would: the latency is then the hub's, not
// that of a backlog the benchmark builds up.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchFanout(b, n) })
	}
}

// benchInFlight bounds the deliveries published but not yet read.
const benchInFlight = 2048

// benchSamples bounds the latencies kept per client.
const benchSamples = 4096

func benchFanout(b *testing.B, n int) {
	c := startPool(b, cluster.Options{Workers: -1})
	s, url := newHubServer(b, c, Config{MaxWSClients: n}, defaultHubTimings(), nil)
	heapBefore := fanoutHeap()
	clients := make([]*benchClient, n)
	for i := range clients {
		clients[i] = startBenchClient(b, url)
	}
	waitFor(b, "every snapshot", func() bool { return fanoutMinSeq(clients) > 0 })
	perClient := float64(fanoutHeap()-heapBefore) / float64(n)
	window := uint64(max(1, min(256, benchInFlight/n)))
	base := c.LastSeq()
	start := time.Now()
	var published uint64
	for b.Loop() {
		published++
		if base+published > window {
			waitClients(b, clients, base+published-window) // at most window in flight
		}
		if err := c.Scale(0); err != nil {
			b.Fatal(err)
		}
	}
	waitClients(b, clients, base+published)
	elapsed := time.Since(start)
	if r := s.hub.resyncs.Load(); r > 0 {
		b.Fatalf("%d clients were resynced: the benchmark measured the wrong thing", r)
	}
	s.Close()
	b.ReportMetric(float64(published)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(published)*float64(n)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(fanoutP99(clients).Seconds()*1000, "p99-ms")
	b.ReportMetric(perClient, "heap-B/client")
}

// fanoutHeap is the live heap after a collection.
func fanoutHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// benchClient reads one connection and records each event's latency.
type benchClient struct {
	last atomic.Uint64
	lat  []time.Duration // written by its goroutine; read after it ended
	done chan struct{}
	stop func() // closes the connection and waits for the goroutine
}

func startBenchClient(b *testing.B, url string) *benchClient {
	conn := dialWS(b, url, "", nil)
	bc := &benchClient{done: make(chan struct{}), lat: make([]time.Duration, 0, benchSamples)}
	go bc.read(conn)
	b.Cleanup(func() {
		conn.CloseNow()
		<-bc.done
	})
	return bc
}

func (bc *benchClient) read(conn *websocket.Conn) {
	defer close(bc.done)
	var m struct {
		Seq  uint64    `json:"seq"`
		Time time.Time `json:"time"`
	}
	for {
		_, data, err := conn.Read(context.Background())
		if err != nil {
			return
		}
		m.Time = time.Time{}
		if json.Unmarshal(data, &m) != nil {
			return
		}
		if !m.Time.IsZero() && len(bc.lat) < benchSamples {
			bc.lat = append(bc.lat, time.Since(m.Time))
		}
		bc.last.Store(m.Seq)
	}
}

// waitClients waits until every client has seen seq. A client cut off by the
// server never gets there: after 30 s the benchmark fails instead of hanging.
func waitClients(b *testing.B, clients []*benchClient, seq uint64) {
	deadline := time.Now().Add(30 * time.Second)
	for fanoutMinSeq(clients) < seq {
		if time.Now().After(deadline) {
			b.Fatalf("after 30 s a client is still at seq %d of %d", fanoutMinSeq(clients), seq)
		}
		time.Sleep(50 * time.Microsecond) // not a spin: the clients need the CPU
	}
}

// fanoutMinSeq is the last seq every client has seen.
func fanoutMinSeq(cs []*benchClient) uint64 {
	m := cs[0].last.Load()
	for _, c := range cs[1:] {
		m = min(m, c.last.Load())
	}
	return m
}

// fanoutP99 merges the clients' latencies; call it once they stopped.
func fanoutP99(cs []*benchClient) time.Duration {
	var all []time.Duration
	for _, c := range cs {
		<-c.done
		all = append(all, c.lat...)
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	return all[len(all)*99/100]
}
