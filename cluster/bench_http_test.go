package cluster_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// Load of the HTTP benchmark: keep-alive connections on loopback, httpRounds short
// rounds per server, taken in turn so that other load on the machine falls on all
// three alike, after a warm-up of each.
const (
	httpConns  = 32
	httpRound  = 500 * time.Millisecond
	httpRounds = 6
	httpWarmup = 300 * time.Millisecond
)

// BenchmarkHTTPHello serves `hello world` three ways in one run, each under the same
// bounded load: a single plain net/http process (the practical ceiling, since the
// load generator shares the cores), two workers on the pool's shared port, and two
// workers that also send a notifyRequest message to the primary per request.
func BenchmarkHTTPHello(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var notified atomic.Int64
		addrs := []string{startPlain(b), startShared(b, "hello", nil), startShared(b, "hellonotify", &notified)}
		res := loadInTurn(b, addrs, dialLoopback)
		plain, shared, notify := res[0], res[1], res[2]
		waitNotified(b, &notified, notify.requests)
		b.ReportMetric(plain.rps, "plain-req/s")
		b.ReportMetric(plain.p99ms, "plain-p99-ms")
		b.ReportMetric(shared.rps, "shared-req/s")
		b.ReportMetric(shared.p99ms, "shared-p99-ms")
		b.ReportMetric(shared.rps/plain.rps, "shared-vs-plain")
		b.ReportMetric(notify.rps, "notify-req/s")
		b.ReportMetric(notify.p99ms, "notify-p99-ms")
		b.ReportMetric(notify.rps/plain.rps, "notify-vs-plain")
	}
}

type loadResult struct {
	rps, p99ms float64
	requests   int64
}

// dialFunc opens load connection i to addr: from the one loopback address, or
// spread over several (BenchmarkHTTPBalance's sticky mode needs clients to spread).
type dialFunc func(addr string, i int) (net.Conn, error)

// dialLoopback opens every connection from 127.0.0.1.
func dialLoopback(addr string, _ int) (net.Conn, error) {
	return net.DialTimeout("tcp", addr, 10*time.Second)
}

// loadInTurn warms every server up, then loads them in turn, round after round,
// with connections dial opens.
func loadInTurn(b *testing.B, addrs []string, dial dialFunc) []loadResult {
	lats := make([][]time.Duration, len(addrs))
	for _, a := range addrs {
		if _, err := hammer(a, httpConns, httpWarmup, dial); err != nil {
			b.Fatal(err)
		}
	}
	for r := 0; r < httpRounds; r++ {
		for i, a := range addrs {
			lat, err := hammer(a, httpConns, httpRound, dial)
			if err != nil {
				b.Fatal(err)
			}
			lats[i] = append(lats[i], lat...)
		}
	}
	res := make([]loadResult, len(addrs))
	total := (httpRound * httpRounds).Seconds()
	for i, lat := range lats {
		res[i] = loadResult{rps: float64(len(lat)) / total, p99ms: ms(quantile(lat, 0.99)), requests: int64(len(lat))}
	}
	return res
}

// startPlain starts a plain net/http child process serving the same handler and
// returns its address; it is stopped at the end of the benchmark.
func startPlain(b *testing.B) string {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = childEnv("plainhttp")
	return startAddrChild(b, "plain server", cmd)
}

// startAddrChild starts a server process that prints its address on a line and
// serves until its stdin closes, and returns that address. The process is stopped
// (stdin closed, then reaped) at the end of the benchmark, and dies with it.
func startAddrChild(b *testing.B, what string, cmd *exec.Cmd) string {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	return strings.TrimSpace(addr)
}

// startShared starts two workers serving the pool's shared port in os mode (the
// figures of issue 8 were taken so; BenchmarkHTTPBalance compares the modes) and
// returns its address; with notified set, OnMessage counts their notifyRequest
// messages.
func startShared(b *testing.B, helper string, notified *atomic.Int64) string {
	opts := cluster.Options{Workers: 2, Env: helperEnv(helper), Listen: "127.0.0.1:0", Balance: cluster.BalanceOS}
	if notified != nil {
		opts.QuietMessages = true
		opts.OnMessage = func(_ cluster.WorkerInfo, msg json.RawMessage) {
			var m struct{ Cmd string }
			if json.Unmarshal(msg, &m) == nil && m.Cmd == "notifyRequest" {
				notified.Add(1)
			}
		}
	}
	return waitListening(b, readyPool(b, opts), 2)
}

// waitNotified waits until every request was reported (warm-up ones included).
func waitNotified(b *testing.B, notified *atomic.Int64, atLeast int64) {
	deadline := time.Now().Add(20 * time.Second)
	for notified.Load() < atLeast && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := notified.Load(); n < atLeast {
		b.Fatalf("%d notifyRequest messages for %d requests", n, atLeast)
	}
}

// waitListening polls until n workers listen and returns the shared address.
func waitListening(b *testing.B, c *cluster.Cluster, n int) string {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var addr string
		k := 0
		for _, w := range c.Workers() {
			if w.Listening != "" {
				addr = w.Listening
				k++
			}
		}
		if k >= n {
			return addr
		}
		time.Sleep(2 * time.Millisecond)
	}
	b.Fatalf("fewer than %d workers listening", n)
	return ""
}

// hammer runs conns keep-alive clients against addr for d and returns every
// request's latency. The client is a minimal HTTP/1.1 one, so that the load
// generator takes as little of the shared CPU as it can.
func hammer(addr string, conns int, d time.Duration, dial dialFunc) ([]time.Duration, error) {
	type out struct {
		lat []time.Duration
		err error
	}
	results := make(chan out, conns)
	stop := time.Now().Add(d)
	for i := 0; i < conns; i++ {
		go func() {
			lat, err := client(addr, i, stop, dial)
			results <- out{lat, err}
		}()
	}
	var all []time.Duration
	var firstErr error
	for i := 0; i < conns; i++ {
		r := <-results
		all = append(all, r.lat...)
		if firstErr == nil {
			firstErr = r.err
		}
	}
	return all, firstErr
}

const helloRequest = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"

// client is load connection i: requests one after the other until stop.
func client(addr string, i int, stop time.Time, dial dialFunc) ([]time.Duration, error) {
	conn, err := dial(addr, i)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(stop.Add(10 * time.Second))
	r := bufio.NewReader(conn)
	req := []byte(helloRequest)
	lat := make([]time.Duration, 0, 4096)
	for now := time.Now(); now.Before(stop); {
		if _, err := conn.Write(req); err != nil {
			return lat, err
		}
		if err := readResponse(r); err != nil {
			return lat, err
		}
		t := time.Now()
		lat = append(lat, t.Sub(now))
		now = t
	}
	return lat, nil
}

// readResponse reads one response with a Content-Length body.
func readResponse(r *bufio.Reader) error {
	status, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if len(status) < 12 || string(status[9:12]) != "200" {
		return fmt.Errorf("response %q", status)
	}
	length := -1
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if len(line) > 16 && strings.EqualFold(string(line[:15]), "content-length:") {
			fmt.Sscanf(strings.TrimSpace(string(line[15:])), "%d", &length)
		}
	}
	if length < 0 {
		return fmt.Errorf("response without Content-Length")
	}
	_, err = r.Discard(length)
	return err
}

func hello(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello world\n") }

// serveShared serves hello on the pool's shared port until the primary says leave.
func serveShared(h http.HandlerFunc) int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	ln, err := cluster.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 1
	}
	(&http.Server{Handler: h}).Serve(ln) // returns when the listener is closed
	m.Close()
	return 0
}

func helloWorker() int { return serveShared(hello) }

func helloNotifyWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	type notify struct {
		Cmd string `json:"cmd"`
	}
	return serveShared(func(w http.ResponseWriter, r *http.Request) {
		hello(w, r)
		m.Send(notify{Cmd: "notifyRequest"})
	})
}

// plainHTTPChild is a plain net/http process on its own port: it prints the address
// and serves until its stdin closes.
func plainHTTPChild() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 1
	}
	fmt.Println(ln.Addr())
	go (&http.Server{Handler: http.HandlerFunc(hello)}).Serve(ln)
	io.Copy(io.Discard, os.Stdin)
	return 0
}
