package server

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkFragments is BenchmarkFanout for the panel's HTML stream: 1, 100 and
// 1000 browsers on /ws/fragments?page=panel, one pool.scale at a time, and the p99
// time from the Scale call to a client reading the fragments that show it (the
// message whose frag-seq marker reaches the event's seq). The panel is rendered
// once per change for all of them.
func BenchmarkFragments(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchFragments(b, n) })
	}
}

func benchFragments(b *testing.B, n int) {
	c := startPool(b, cluster.Options{Workers: -1})
	_, url := newHubServer(b, c, Config{MaxWSClients: n}, defaultHubTimings(), nil)
	var sent atomic.Int64 // UnixNano of the Scale call being measured
	clients := make([]*benchClient, n)
	for i := range clients {
		clients[i] = startFragClient(b, url, &sent)
	}
	waitFor(b, "every first set", func() bool { return fanoutMinSeq(clients) > 0 })
	start := time.Now()
	events := 0
	for b.Loop() {
		events++
		seq := c.LastSeq() + 1
		sent.Store(time.Now().UnixNano())
		if err := c.Scale(0); err != nil {
			b.Fatal(err)
		}
		for fanoutMinSeq(clients) < seq {
			time.Sleep(50 * time.Microsecond) // not a spin: the clients need the CPU
		}
	}
	elapsed := time.Since(start)
	for _, bc := range clients {
		bc.stop()
	}
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
	b.ReportMetric(fanoutP99(clients).Seconds()*1000, "p99-ms")
}

// startFragClient reads one fragment stream, recording for each new seq marker the
// time since sent.
func startFragClient(b *testing.B, url string, sent *atomic.Int64) *benchClient {
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
	go bc.readFragments(conn, sent)
	b.Cleanup(bc.stop)
	return bc
}

var seqAttr = []byte(`id="frag-seq" hidden data-seq="`)

func (bc *benchClient) readFragments(conn *websocket.Conn, sent *atomic.Int64) {
	defer close(bc.done)
	for {
		_, data, err := conn.Read(context.Background())
		if err != nil {
			return
		}
		i := bytes.Index(data, seqAttr)
		if i < 0 {
			continue
		}
		rest := data[i+len(seqAttr):]
		seq, err := strconv.ParseUint(string(rest[:bytes.IndexByte(rest, '"')]), 10, 64)
		if err != nil {
			return
		}
		if seq > bc.last.Load() && bc.last.Load() > 0 && len(bc.lat) < benchSamples {
			bc.lat = append(bc.lat, time.Since(time.Unix(0, sent.Load())))
		}
		bc.last.Store(seq)
	}
}
