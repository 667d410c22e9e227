package cluster_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/proctest"
)

func init() {
	helpers["print"] = func() int {
		fmt.Println("hello from stdout")
		fmt.Fprintln(os.Stderr, "hello from stderr")
		return jobsWorker()
	}
	helpers["whereout"] = func() int { // tells the primary where its stdout goes
		m, err := cluster.Join()
		if err != nil {
			return 1
		}
		target, _ := os.Readlink("/proc/self/fd/1")
		m.Send(target)
		<-m.Disconnected()
		m.Close()
		return 0
	}
	helpers["stubborn"] = func() int { // joins, then ignores being asked to leave
		if _, err := cluster.Join(); err != nil {
			return 1
		}
		time.Sleep(time.Minute)
		return 0
	}
}

// syncBuffer is a bytes.Buffer safe for the pool's output goroutines.
type syncBuffer = proctest.Buffer

func TestWorkerOutputIsPrefixed(t *testing.T) {
	var out syncBuffer
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("print"), Output: &out})
	id := 0
	waitFor(t, "worker online", func() bool {
		ws := c.Workers()
		if len(ws) == 1 && ws[0].State == cluster.StateIdle {
			id = ws[0].ID
		}
		return id != 0
	})
	for _, line := range []string{"[worker %d] hello from stdout", "[worker %d stderr] hello from stderr"} {
		want := fmt.Sprintf(line+"\n", id)
		waitFor(t, want, func() bool { return strings.Contains(out.String(), want) })
	}
}

func TestSilentDropsWorkerOutput(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("whereout"), Silent: true})
	ev := watch(t, c)
	msg := ev.next("where stdout goes", ofType(cluster.EventMessage, 0))
	if string(msg.Message) != `"/dev/null"` {
		t.Fatalf("a silent worker's stdout is %s, want /dev/null", msg.Message)
	}
}

func TestDisconnectKillsAfterTimeout(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("stubborn")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	w, _ := c.Worker(c.Workers()[0].ID)
	if err := w.Disconnect(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	exit := ev.next("exit", ofType(cluster.EventExit, w.ID()))
	if exit.Signal != "SIGKILL" || !*exit.Intentional || *exit.Restarting {
		t.Fatalf("stubborn worker's exit: %+v", exit)
	}
	if info, err := w.Info(); err != nil || info.State != cluster.StateDead {
		t.Fatalf("handle after exit: %+v %v", info, err)
	}
	if err := w.Send("late"); err == nil {
		t.Fatal("Send to a dead worker succeeded")
	}
}

func TestPoolDisconnectIsGraceful(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	b, _ := c.Submit("sleep", []int64{300, 300}, cluster.BatchOptions{})
	waitFor(t, "both running", func() bool { return c.Pool().Queue.Running == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := c.Batch(b.ID)
	if got.Summary.Done != 2 {
		t.Fatalf("running jobs did not finish before the workers left: %+v", got.Summary)
	}
	for i := 0; i < 2; i++ {
		exit := ev.next("exit", ofType(cluster.EventExit, 0))
		if exit.Code == nil || *exit.Code != 0 || !*exit.Intentional {
			t.Fatalf("exit: %+v", exit)
		}
	}
	if p := c.Pool(); p.Size != 0 || len(p.Workers) != 0 {
		t.Fatalf("after Disconnect: %+v", p)
	}
}
