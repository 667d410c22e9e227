package cluster_test

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/proctest"
)

// idWorker tells the primary the id it got and what GOCLUSTER_WORKER_ID
// says, then waits to be told to leave: a standby must be indistinguishable
// from a worker forked with its id.
func idWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	m.Send(map[string]string{"id": strconv.Itoa(m.ID()), "env": os.Getenv(cluster.EnvWorkerID),
		"fork_env": os.Getenv("TEST_FORK_ENV")})
	<-m.Disconnected()
	m.Close()
	return 0
}

func init() { helpers["id"] = idWorker }

// whoami waits for worker id's message and checks that it knows its id.
func whoami(t *testing.T, ev *events, id int) map[string]string {
	t.Helper()
	msg := ev.next("whoami", ofType(cluster.EventMessage, id))
	var got map[string]string
	if err := json.Unmarshal(msg.Message, &got); err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(id); got["id"] != want || got["env"] != want {
		t.Fatalf("worker %d says id %q, GOCLUSTER_WORKER_ID %q", id, got["id"], got["env"])
	}
	return got
}

func waitStandby(t *testing.T, c *cluster.Cluster, n int) {
	t.Helper()
	waitFor(t, strconv.Itoa(n)+" standbys ready", func() bool { return c.Pool().Standby == n })
}

// TestStandbyReplacesKilledWorker: a SIGKILLed worker's replacement is the
// standby (its pid was a child before the kill), it learns its id, the pool
// refills the standby, and learners still see fork, online in that order.
func TestStandbyReplacesKilledWorker(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Standby: 1, Env: helperEnv("id")})
	ev := watch(t, c)
	first := ev.next("fork", ofType(cluster.EventFork, 0))
	if first.Standby {
		t.Fatalf("the first worker came from a standby before any was started: %+v", first)
	}
	whoami(t, ev, first.Worker)
	waitStandby(t, c, 1)
	spare := standbyPIDs(t, c)
	w, _ := c.Worker(first.Worker)
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	fork := ev.next("replacement fork", func(e cluster.Event) bool { return e.Type == cluster.EventFork && e.Worker != first.Worker })
	if !fork.Standby || !slices.Contains(spare, fork.PID) {
		t.Fatalf("replacement %+v is not the standby (pids %v)", fork, spare)
	}
	ev.next("replacement online", ofType(cluster.EventOnline, fork.Worker))
	whoami(t, ev, fork.Worker)
	waitStandby(t, c, 1)
	if got := c.Workers(); len(got) != 1 || got[0].PID != fork.PID {
		t.Fatalf("workers after the replacement: %+v", got)
	}
}

// standbyPIDs lists this process's children that are no worker of c: its
// standbys (tests in this package do not run in parallel).
func standbyPIDs(t *testing.T, c *cluster.Cluster) []int {
	t.Helper()
	kids, err := proctest.LeftoverChildren()
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, k := range kids {
		if !slices.ContainsFunc(c.Workers(), func(w cluster.WorkerInfo) bool { return w.PID == k.PID }) && k.State != 'Z' {
			out = append(out, k.PID)
		}
	}
	return out
}

// TestStandbyScaleAndForkEnv: a scale takes the standbys, a Fork with an
// environment of its own never does (a standby's environment is fixed).
func TestStandbyScaleAndForkEnv(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Standby: 2, Env: helperEnv("id")})
	ev := watch(t, c)
	whoami(t, ev, ev.next("fork", ofType(cluster.EventFork, 0)).Worker)
	waitStandby(t, c, 2)
	w, err := c.Fork([]string{"TEST_FORK_ENV=own"})
	if err != nil {
		t.Fatal(err)
	}
	fork := ev.next("Fork(env)", ofType(cluster.EventFork, w.ID()))
	if got := whoami(t, ev, w.ID()); fork.Standby || got["fork_env"] != "own" {
		t.Fatalf("Fork(env): %+v, worker says %v", fork, got)
	}
	if err := c.Scale(4); err != nil {
		t.Fatal(err)
	}
	// Both forks come in the scale's own step, before any of them is online.
	ids := map[int]bool{}
	for range 2 {
		fork := ev.next("scale fork", ofType(cluster.EventFork, 0))
		if !fork.Standby {
			t.Fatalf("scale fork with 2 standbys ready: %+v", fork)
		}
		ids[fork.Worker] = true
	}
	for len(ids) > 0 {
		msg := ev.next("a scaled worker's id", ofType(cluster.EventMessage, 0))
		if ids[msg.Worker] {
			var got map[string]string
			json.Unmarshal(msg.Message, &got)
			if got["id"] != strconv.Itoa(msg.Worker) || got["env"] != got["id"] {
				t.Fatalf("worker %d says %v", msg.Worker, got)
			}
			delete(ids, msg.Worker)
		}
	}
	waitStandby(t, c, 2)
}

// TestStandbyNotForExec: a pool that runs another program (Exec) keeps no
// standbys, whatever Standby says: the program may know nothing of them. A pool
// of this executable started at the same moment shows when they would be there.
func TestStandbyNotForExec(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	own := startPool(t, cluster.Options{Workers: 1, Standby: 1, Env: helperEnv("id")})
	other := startPool(t, cluster.Options{Workers: 1, Standby: 1, Exec: exe, Args: []string{}, Env: helperEnv("id")})
	ev := watch(t, other)
	first := ev.next("fork", ofType(cluster.EventFork, 0))
	whoami(t, ev, first.Worker)
	waitStandby(t, own, 1)
	if n := other.Pool().Standby; n != 0 {
		t.Fatalf("an Exec pool has %d standbys", n)
	}
	w, _ := other.Worker(first.Worker)
	w.Kill(syscall.SIGKILL)
	fork := ev.next("replacement", func(e cluster.Event) bool { return e.Type == cluster.EventFork && e.Worker != first.Worker })
	if fork.Standby {
		t.Fatalf("an Exec pool's replacement came from a standby: %+v", fork)
	}
	whoami(t, ev, fork.Worker)
}

// TestStandbysReapedOnClose: Close kills and reaps the standbys with the workers.
func TestStandbysReapedOnClose(t *testing.T) {
	c, err := cluster.Start(cluster.Options{Workers: 1, Standby: 3, Env: helperEnv("id"), Output: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	waitStandby(t, c, 3)
	if err := c.Close(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	kids, err := proctest.LeftoverChildren()
	if err != nil || len(kids) != 0 {
		t.Fatalf("after Close: children %v (%v)", kids, err)
	}
}
