package cluster_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkRoundTrip measures one message in flight: Worker.Send, the echo worker's
// Member.Send back, OnMessage in the primary. In the same run, alternating with it
// round trip by round trip, a bare socketpair ping-pong with a child that echoes
// with blocking system calls gives the floor (two wake-ups of a process on another
// core), so the ratio is printed.
func BenchmarkRoundTrip(b *testing.B) {
	got := make(chan struct{}, 1)
	c := readyPool(b, cluster.Options{Workers: 1, Env: helperEnv("echo"), QuietMessages: true,
		OnMessage: func(cluster.WorkerInfo, json.RawMessage) { got <- struct{}{} }})
	w, err := c.Worker(c.Workers()[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	ping := func(b *testing.B) {
		if err := w.Send("ping"); err != nil {
			b.Fatal(err)
		}
		<-got
	}
	ways := []func(*testing.B){ping, startBareEcho(b).roundTrip}
	lat := make([][]time.Duration, len(ways))
	for i := 0; i < 100; i++ { // warm both paths up
		for _, f := range ways {
			f(b)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, f := range ways {
			t0 := time.Now()
			f(b)
			lat[k] = append(lat[k], time.Since(t0))
		}
	}
	b.StopTimer()
	reportRoundTrips(b, lat[0], lat[1])
}

func reportRoundTrips(b *testing.B, rtt, bare []time.Duration) {
	p50, bp50 := quantile(rtt, 0.5), quantile(bare, 0.5)
	b.ReportMetric(us(p50), "rtt-p50-us")
	b.ReportMetric(us(quantile(rtt, 0.99)), "rtt-p99-us")
	b.ReportMetric(us(bp50), "bare-p50-us")
	b.ReportMetric(us(quantile(bare, 0.99)), "bare-p99-us")
	b.ReportMetric(float64(p50)/float64(bp50), "ratio-vs-bare")
}

// BenchmarkPipelined measures messages per second echoed through one or two echo
// workers with many in flight: the primary sends b.N messages as fast as Worker.Send
// takes them and counts the echoes in OnMessage. With one worker the same run also
// measures a bare socketpair line echo through a child, for scale.
func BenchmarkPipelined(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) { benchPipelined(b, n) })
	}
}

func benchPipelined(b *testing.B, n int) {
	var count atomic.Int64
	done := make(chan struct{})
	target := int64(b.N)
	c := readyPool(b, cluster.Options{Workers: n, Env: helperEnv("echo"), QuietMessages: true,
		OnMessage: func(cluster.WorkerInfo, json.RawMessage) {
			if count.Add(1) == target {
				close(done)
			}
		}})
	var ws []*cluster.Worker
	for _, info := range c.Workers() {
		w, err := c.Worker(info.ID)
		if err != nil {
			b.Fatal(err)
		}
		ws = append(ws, w)
	}
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		if err := ws[i%n].Send("ping"); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		b.Fatalf("only %d of %d echoes arrived", count.Load(), b.N)
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "msgs/s")
	if n == 1 {
		bare := startBareEcho(b).pipelined(b, b.N)
		b.ReportMetric(bare, "bare-msgs/s")
	}
}

// bareEcho is a child process echoing lines on a blocking socketpair: the least a
// line-framed IPC can cost.
type bareEcho struct {
	fd  int
	buf []byte
}

func startBareEcho(b *testing.B) *bareEcho {
	b.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	child := os.NewFile(uintptr(fds[1]), "bare-child")
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(childEnv("rawecho"), "GOMAXPROCS=1")
	cmd.ExtraFiles = []*os.File{child}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	child.Close()
	if err != nil {
		syscall.Close(fds[0])
		b.Fatal(err)
	}
	e := &bareEcho{fd: fds[0], buf: make([]byte, 64<<10)}
	b.Cleanup(func() {
		syscall.Close(e.fd) // the child reads EOF and exits
		cmd.Wait()
	})
	return e
}

// roundTrip sends one line and waits for it to come back.
func (e *bareEcho) roundTrip(b *testing.B) {
	if _, err := syscall.Write(e.fd, []byte("\"ping\"\n")); err != nil {
		b.Fatal(err)
	}
	for got := 0; got < 7; {
		n, err := syscall.Read(e.fd, e.buf)
		if n <= 0 {
			b.Fatalf("bare echo read: %v", err)
		}
		got += n
	}
}

// pipelined pushes n lines through the child from one goroutine while this one
// reads them back, and returns lines per second.
func (e *bareEcho) pipelined(b *testing.B, n int) float64 {
	line := []byte("\"ping\"\n")
	chunk := bytes.Repeat(line, 4096)
	t0 := time.Now()
	werr := make(chan error, 1)
	go func() {
		left := n
		for left > 0 {
			k := min(left, 4096)
			if _, err := syscall.Write(e.fd, chunk[:k*len(line)]); err != nil {
				werr <- err
				return
			}
			left -= k
		}
		werr <- nil
	}()
	for seen := 0; seen < n; {
		k, err := syscall.Read(e.fd, e.buf)
		if k <= 0 {
			b.Fatalf("bare echo read: %v", err)
		}
		seen += bytes.Count(e.buf[:k], []byte{'\n'})
	}
	if err := <-werr; err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(t0).Seconds()
}

// rawEchoChild echoes lines arriving on fd 3, with plain blocking system calls and
// buffered I/O: it writes whenever no further input is buffered, so one line in
// flight is answered at once and a stream of lines is answered in big writes.
func rawEchoChild() int {
	f := os.NewFile(3, "bare")
	r := bufio.NewReaderSize(f, 64<<10)
	w := bufio.NewWriterSize(f, 64<<10)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return 0
		}
		w.Write(line)
		if r.Buffered() == 0 && w.Flush() != nil {
			return 1
		}
	}
}
