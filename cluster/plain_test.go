package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// activatedServer is the demo's standard-library Python server: it takes fd 3
// when LISTEN_PID is its pid and LISTEN_FDS=1, else binds 127.0.0.1:$PORT.
var activatedServer = filepath.Join("..", "demos", "supervise", "server.py")

func needPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	return py
}

// fetch fetches url on a new connection and returns the body, or "" on any failure.
func fetch(url string) string {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
	resp, err := client.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(b)
}

// pidsServing asks url until every pid in want answered (the kernel picks which
// worker accepts each connection).
func pidsServing(t *testing.T, url string, want []int) {
	t.Helper()
	seen := map[int]bool{}
	waitFor(t, fmt.Sprintf("pids %v to serve %s", want, url), func() bool {
		body := fetch(url)
		var pid int
		if _, err := fmt.Sscanf(body, "hello from pid %d (socket activation)", &pid); err == nil {
			seen[pid] = true
		}
		for _, p := range want {
			if !seen[p] {
				return false
			}
		}
		return true
	})
}

func pidsOf(ws []cluster.WorkerInfo) []int {
	var pids []int
	for _, w := range ws {
		pids = append(pids, w.PID)
	}
	return pids
}

// TestPlainSocketActivatedServerSharesOnePort: two plain Python servers take the
// pool's socket by socket activation (so LISTEN_PID was each one's own pid), both
// serve it, a killed one is replaced, and scaling adds and retires servers.
func TestPlainSocketActivatedServerSharesOnePort(t *testing.T) {
	py := needPython(t)
	out := &syncBuffer{}
	c := startPool(t, cluster.Options{Workers: 2, Exec: py, Args: []string{activatedServer},
		Protocol: cluster.ProtocolNone, Listen: "127.0.0.1:0", Output: out})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	url := "http://" + c.ListenAddr() + "/"
	pidsServing(t, url, pidsOf(c.Workers()))

	victim := c.Workers()[0]
	w, err := c.Worker(victim.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev := watch(t, c)
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	exit := ev.next("the killed server's exit", ofType(cluster.EventExit, victim.ID))
	if exit.Signal != "SIGKILL" || exit.Restarting == nil || !*exit.Restarting {
		t.Fatalf("exit event %+v: want SIGKILL, restarting", exit)
	}
	waitFor(t, "a replacement", func() bool { return len(c.Workers()) == 2 && c.Workers()[1].ID > victim.ID })
	pidsServing(t, url, pidsOf(c.Workers()))

	if err := c.Scale(3); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 servers", func() bool { return len(c.Workers()) == 3 })
	pidsServing(t, url, pidsOf(c.Workers()))
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "1 server", func() bool { return len(c.Workers()) == 1 })
	pidsServing(t, url, pidsOf(c.Workers()))
	if s := out.String(); !strings.Contains(s, "stderr]") && !strings.Contains(s, "(socket activation, fd 3)") {
		t.Fatalf("the servers' output was not captured:\n%s", s)
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Fatalf("a server retired by Scale did not stop on SIGTERM (its 'stopped' line is missing):\n%s", out.String())
	}
}

// freePorts finds n consecutive free loopback ports.
func freePorts(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 100; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		ok := base+n < 65536
		for i := 1; ok && i < n; i++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+i))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no run of free ports")
	return 0
}

// TestPlainHTTPServerWithPortPerInstance supervises python3 -m http.server, which
// cannot take a socket: each instance gets PORT=base+i and is ready once it
// accepts there; a kill and a scale keep the instances on their ports, and the
// servers' request logs reach the pool's output.
func TestPlainHTTPServerWithPortPerInstance(t *testing.T) {
	needPython(t)
	base := freePorts(t, 3)
	out := &syncBuffer{}
	c := startPool(t, cluster.Options{Workers: 2, Exec: "sh",
		Args:     []string{"-c", `exec python3 -m http.server --bind 127.0.0.1 "$PORT"`},
		Protocol: cluster.ProtocolNone, PortBase: base, Output: out, StartTimeout: 2 * time.Minute})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	port := func(i int) string { return fmt.Sprintf("http://127.0.0.1:%d/", base+i) }
	for i := range 2 {
		if fetch(port(i)) == "" {
			t.Fatalf("instance %d does not serve %s", i, port(i))
		}
	}
	for _, w := range c.Workers() {
		if !w.Ready || w.Listening == "" {
			t.Fatalf("worker %+v: want ready and listening on its PORT", w)
		}
	}
	first := c.Workers()[0]
	w, _ := c.Worker(first.ID)
	if err := w.Kill(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replacement ready on the same port", func() bool {
		ws := c.Workers()
		return len(ws) == 2 && ws[0].ID != first.ID && ws[0].Ready && ws[1].Ready && ws[1].Listening == first.Listening ||
			len(ws) == 2 && ws[1].ID != first.ID && ws[1].Ready && ws[1].Listening == first.Listening
	})
	// Two servers cannot bind one PORT: a rolling restart stops each before its
	// replacement starts, and the replacement binds the same port.
	before := c.Workers()
	if err := c.Restart(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	after := c.Workers()
	if len(after) != 2 || after[0].ID <= before[1].ID || !after[0].Ready || !after[1].Ready {
		t.Fatalf("after the restart %+v, before %+v", after, before)
	}
	for i := range 2 {
		if fetch(port(i)) == "" {
			t.Fatalf("instance %d does not serve %s after the restart", i, port(i))
		}
	}
	if err := c.Scale(3); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "instance 2 serving", func() bool { return fetch(port(2)) != "" })
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "instances 1 and 2 gone", func() bool { return fetch(port(1)) == "" && fetch(port(2)) == "" })
	if fetch(port(0)) == "" {
		t.Fatal("instance 0 stopped serving")
	}
	waitFor(t, "a request log line from a server", func() bool {
		return strings.Contains(out.String(), "stderr] 127.0.0.1 - - ") && strings.Contains(out.String(), `"GET / HTTP/1.1" 200`)
	})
	// The same lines are kept per worker for the logs API: instance 0's access log.
	survivor := c.Workers()[0].ID
	waitFor(t, "instance 0's request lines in its kept log", func() bool {
		page, err := c.Logs(cluster.LogQuery{Worker: survivor, Stream: cluster.StreamStderr})
		if err != nil {
			return false
		}
		for _, l := range page.Lines {
			if l.Worker == survivor && strings.Contains(l.Text, `"GET / HTTP/1.1" 200`) {
				return true
			}
		}
		return false
	})
}

// TestPlainPoolHasNoJobsOrMessages: a pool of plain programs refuses jobs and
// messages with ErrPlainPrograms instead of queueing what no worker can run.
func TestPlainPoolHasNoJobsOrMessages(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Exec: "sleep", Args: []string{"600"}, Protocol: cluster.ProtocolNone})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit("fib", []int64{10}, cluster.BatchOptions{}); !errors.Is(err, cluster.ErrPlainPrograms) {
		t.Fatalf("Submit: %v, want ErrPlainPrograms", err)
	}
	w, err := c.Worker(c.Workers()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Send("hi"); !errors.Is(err, cluster.ErrPlainPrograms) {
		t.Fatalf("Send: %v, want ErrPlainPrograms", err)
	}
	if info := c.Pool(); info.Protocol != cluster.ProtocolNone || !info.Workers[0].Ready {
		t.Fatalf("pool %+v: want protocol none and a ready worker", info)
	}
}

// TestStartTimeoutFailsAStart: a program that never accepts on its PORT is a
// failed start after StartTimeout (an error event, a kill, a restart with backoff),
// never a worker starting for good.
func TestStartTimeoutFailsAStart(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Exec: "sleep", Args: []string{"600"},
		Protocol: cluster.ProtocolNone, PortBase: freePorts(t, 1), StartTimeout: 300 * time.Millisecond,
		Restart: cluster.RestartPolicy{Backoff: 10 * time.Millisecond, Jitter: -1}})
	ev := watch(t, c)
	fail := ev.next("a failed start", func(e cluster.Event) bool {
		return e.Type == cluster.EventError && strings.Contains(e.Error, "did not become ready within 300ms")
	})
	exit := ev.next("its exit", ofType(cluster.EventExit, fail.Worker))
	if exit.Restarting == nil || !*exit.Restarting || *exit.Intentional {
		t.Fatalf("exit %+v: want a crash that is restarted", exit)
	}
	ev.next("a second try", func(e cluster.Event) bool { return e.Type == cluster.EventFork && e.Worker > fail.Worker })
	ev.next("a second failed start", func(e cluster.Event) bool {
		return e.Type == cluster.EventError && e.Worker > fail.Worker && strings.Contains(e.Error, "failed start")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err == nil {
		t.Fatal("WaitReady succeeded for a pool whose worker never becomes ready")
	}
}
