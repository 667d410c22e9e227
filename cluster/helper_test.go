package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/proctest"
)

// envHelper picks the behaviour of the test binary when it runs as a worker, the way
// os/exec's tests re-run themselves as helper processes.
const envHelper = "GOCLUSTER_TEST_HELPER"

func TestMain(m *testing.M) {
	if cluster.IsWorker() {
		os.Exit(runHelper(os.Getenv(envHelper)))
	}
	proctest.Main(m, nil) // goleak, then no worker left
}

// helpers are the worker behaviours tests ask for.
var helpers = map[string]func() int{
	"":          jobsWorker,
	"echo":      echoWorker,
	"http":      httpWorker,
	"listenenv": listenEnvWorker,
	"handles":   handlesWorker,
	"cwd": func() int {
		m, err := cluster.Join()
		if err != nil {
			return 1
		}
		dir, _ := os.Getwd()
		m.Send(map[string]string{"cwd": dir, "env": os.Getenv("TEST_FORK_ENV")})
		<-m.Disconnected()
		m.Close()
		return 0
	},
	"exit3": func() int { return 3 },
	"badframe": func() int {
		os.NewFile(3, "ipc").Write([]byte("{\"t\":\"hello\",\"v\":1,\"id\":" + os.Getenv(cluster.EnvWorkerID) + "}\nthis is not json\n"))
		time.Sleep(time.Minute)
		return 0
	},
	"hugeframe": func() int {
		f := os.NewFile(3, "ipc")
		f.Write([]byte("{\"t\":\"hello\",\"v\":1,\"id\":" + os.Getenv(cluster.EnvWorkerID) + "}\n"))
		junk := make([]byte, 4<<20)
		for i := range junk {
			junk[i] = 'x'
		}
		f.Write(junk)
		time.Sleep(time.Minute)
		return 0
	},
	"badversion": func() int {
		os.NewFile(3, "ipc").Write([]byte("{\"t\":\"hello\",\"v\":99,\"id\":" + os.Getenv(cluster.EnvWorkerID) + "}\n"))
		time.Sleep(time.Minute)
		return 0
	},
}

func runHelper(name string) int {
	h, ok := helpers[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown helper %q\n", name)
		return 2
	}
	return h()
}

func jobsWorker() int {
	if err := cluster.RunWorker(context.Background(), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func echoWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	for {
		select {
		case msg := <-m.Messages():
			m.Send(msg)
		case <-m.Disconnected():
			m.Close()
			return 0
		}
	}
}

func httpWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	ln, err := cluster.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from worker %d\n", m.ID())
		m.Send(map[string]string{"cmd": "notifyRequest"})
	})}
	srv.Serve(ln) // returns when Disconnect closes the listener
	m.Close()
	return 0
}

// startPool starts a pool for a test and closes it (checking no worker is left) at
// the end.
func startPool(t *testing.T, opts cluster.Options) *cluster.Cluster {
	t.Helper()
	if opts.Output == nil {
		opts.Output = testWriter{t}
	}
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
		if n := len(c.Workers()); n != 0 {
			t.Errorf("%d workers left after close", n)
		}
	})
	return c
}

func helperEnv(name string) []string { return []string{envHelper + "=" + name} }

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Logf("%s", b)
	return len(b), nil
}

// ctxT is a generous deadline for conditions tests poll for: 90 s, because a loaded
// 2-core machine running -race suites side by side took more than 30 s at times.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// listenEnvWorker serves HTTP on the address in TEST_LISTEN (exclusively when
// TEST_EXCLUSIVE is set), answering which worker served.
func listenEnvWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	ln, err := cluster.ListenWith("tcp", os.Getenv("TEST_LISTEN"),
		cluster.ListenOptions{Exclusive: os.Getenv("TEST_EXCLUSIVE") != ""})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from worker %d\n", m.ID())
	})}
	srv.Serve(ln)
	m.Close()
	return 0
}

// handlesWorker answers each handle the primary passes: a file is read and its
// text sent back, a connection greeted and closed. On the message "pipe" it passes
// the primary the read end of a pipe it wrote to.
func handlesWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	for {
		select {
		case hm := <-m.HandleMessages():
			switch h := hm.Handle.(type) {
			case *os.File:
				b, _ := io.ReadAll(h)
				h.Close()
				m.Send(map[string]string{"read": string(b)})
			case net.Conn:
				fmt.Fprintf(h, "hello from worker %d\n", m.ID())
				h.Close()
				m.Send(map[string]string{"greeted": string(hm.Data)})
			}
		case msg := <-m.Messages():
			if string(msg) == `"pipe"` {
				r, w, _ := os.Pipe()
				w.WriteString("written by the worker")
				w.Close()
				m.Send("here is a pipe", r)
				r.Close() // the primary has its own copy
			}
		case <-m.Disconnected():
			m.Close()
			return 0
		}
	}
}
