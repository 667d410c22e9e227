package cluster_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// passHandles sends a worker a pipe with text in it and one end of a TCP
// connection, and checks what comes back: the text in a message, and a greeting on
// the other end of the connection.
func passHandles(t *testing.T, c *cluster.Cluster, ev *events, greeting string) {
	t.Helper()
	w, err := c.Worker(c.Workers()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pw.WriteString("through a pipe")
	pw.Close()
	if err := w.Send("read this", r); err != nil {
		t.Fatal(err)
	}
	r.Close() // the worker has its own copy
	msg := ev.next("the file's text", ofType(cluster.EventMessage, w.ID()))
	if !strings.Contains(string(msg.Message), `"read":"through a pipe"`) {
		t.Fatalf("answer %s", msg.Message)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Send("greet", server); err != nil {
		t.Fatal(err)
	}
	server.Close()
	client.SetDeadline(time.Now().Add(time.Minute))
	line, err := bufio.NewReader(client).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, greeting) {
		t.Fatalf("greeting %q, %v", line, err)
	}
}

// TestSendPassesHandlesToAGoWorker: Worker.Send with an *os.File and a net.Conn.
func TestSendPassesHandlesToAGoWorker(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("handles")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	passHandles(t, c, ev, "hello from worker")
}

// TestPythonWorkerReceivesPassedFDs: testdata/fdworker.py reads the descriptors
// with recvmsg as the protocol documents.
func TestPythonWorkerReceivesPassedFDs(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	c := startPool(t, cluster.Options{Workers: 1, Exec: py, Args: []string{"testdata/fdworker.py"}})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	passHandles(t, c, ev, "hello from python")
}

// TestMemberSendPassesAHandleToThePrimary: the worker passes the read end of a
// pipe; Options.OnHandle gets it and reads what the worker wrote.
func TestMemberSendPassesAHandleToThePrimary(t *testing.T) {
	got := make(chan string, 1)
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("handles"),
		OnHandle: func(_ cluster.WorkerInfo, msg json.RawMessage, h any) {
			f := h.(*os.File)
			defer f.Close()
			b, _ := io.ReadAll(f)
			got <- string(msg) + " " + string(b)
		}})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	w, _ := c.Worker(c.Workers()[0].ID)
	w.Send("pipe")
	select {
	case s := <-got:
		if s != `"here is a pipe" written by the worker` {
			t.Fatalf("got %q", s)
		}
	case <-time.After(time.Minute):
		t.Fatal("no handle came")
	}
	if e := ev.next("message event", ofType(cluster.EventMessage, w.ID())); e.Handle != "file" {
		t.Fatalf("event %+v", e)
	}
}
