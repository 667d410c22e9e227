package cluster_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// The Node lesson's fib demo: fork workers, hand them 44 42 42 43 (smaller here), and
// collect every result. Unlike the original, it finishes with fewer workers than jobs.
func Example_fib() {
	// In main, before anything else: if cluster.IsWorker() { return cluster.RunWorker(ctx, nil) }
	c, err := cluster.Start(cluster.Options{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer c.Close(context.Background())
	b, _ := c.Submit("fib", []int64{24, 22, 22, 23}, cluster.BatchOptions{})
	done, _ := c.WaitBatch(context.Background(), b.ID)
	for _, j := range done.Jobs {
		fmt.Printf("fib(%s) = %s\n", j.Input, j.Result)
	}
	// Output:
	// fib(24) = 46368
	// fib(22) = 17711
	// fib(22) = 17711
	// fib(23) = 28657
}

// cluster.on('exit', (worker, code, signal) => { ...; cluster.fork() }): the pool
// replaces a dead worker by itself; the exit event says how it died.
func Example_restartOnExit() {
	c, _ := cluster.Start(cluster.Options{Workers: 1, Env: helperEnv("echo")})
	defer c.Close(context.Background())
	c.WaitReady(context.Background())
	events := c.Subscribe(1024)
	defer events.Close()
	w, _ := c.Worker(c.Workers()[0].ID)
	w.Kill(syscall.SIGKILL)
	for ev := range events.C {
		switch ev.Type {
		case cluster.EventExit:
			fmt.Printf("worker died (%s). restarting...\n", ev.Signal)
		case cluster.EventOnline:
			fmt.Println("replacement online:", ev.Worker > w.ID())
			return
		}
	}
	// Output:
	// worker died (SIGKILL). restarting...
	// replacement online: true
}

// worker.send('hi there') and process.on('message', msg => process.send(msg)).
func Example_sendAndEcho() {
	c, _ := cluster.Start(cluster.Options{Workers: 1, Env: helperEnv("echo")})
	defer c.Close(context.Background())
	events := c.Subscribe(1024)
	defer events.Close()
	c.WaitReady(context.Background())
	w, _ := c.Worker(c.Workers()[0].ID)
	w.Send("hi there")
	for ev := range events.C {
		if ev.Type == cluster.EventMessage {
			var s string
			json.Unmarshal(ev.Message, &s)
			fmt.Println("primary got back:", s)
			return
		}
	}
	// Output: primary got back: hi there
}

// The lesson's request counter: workers share one port and send notifyRequest per
// request; the primary counts them (numReqs).
func Example_notifyRequest() {
	var numReqs atomic.Int64
	c, _ := cluster.Start(cluster.Options{Workers: -1, Env: helperEnv("http"), QuietMessages: true,
		OnMessage: func(_ cluster.WorkerInfo, msg json.RawMessage) {
			var m struct{ Cmd string }
			if json.Unmarshal(msg, &m) == nil && m.Cmd == "notifyRequest" {
				numReqs.Add(1)
			}
		}})
	defer c.Close(context.Background())
	// The primary opens the shared socket, so its port is known before any worker
	// runs; connections wait in its backlog until a worker accepts them.
	addr, _ := c.Listen("tcp", "127.0.0.1:0")
	c.Scale(2)
	for i := 0; i < 10; i++ {
		if resp, err := http.Get("http://" + addr.String() + "/"); err == nil {
			resp.Body.Close()
		}
	}
	for deadline := time.Now().Add(time.Minute); numReqs.Load() < 10 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("numReqs =", numReqs.Load())
	// Output: numReqs = 10
}

// Follow watches the pool for as long as you like: a follower too slow for its
// buffer is not lost, it resumes from the event ring (and is told of a gap if the
// ring moved on).
func ExampleCluster_Follow() {
	c, _ := cluster.Start(cluster.Options{Workers: -1})
	defer c.Close(context.Background())
	since := c.LastSeq()
	c.Scale(0)
	c.Scale(0)
	seenEnough := errors.New("seen enough")
	n := 0
	err := c.Follow(context.Background(), since, nil, func(ev cluster.Event) error {
		fmt.Println(ev.Seq-since, ev.Type)
		if n++; n == 2 {
			return seenEnough
		}
		return nil
	})
	fmt.Println(errors.Is(err, seenEnough))
	// Output:
	// 1 pool.scale
	// 2 pool.scale
	// true
}
