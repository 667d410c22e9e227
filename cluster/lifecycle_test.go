package cluster_test

import (
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// events collects a subscription's events and finds the ones tests wait for.
type events struct {
	t       *testing.T
	sub     *cluster.Subscription
	pending []cluster.Event // retained events from before the subscription
	got     []cluster.Event
}

func watch(t *testing.T, c *cluster.Cluster) *events {
	sub, missed, _ := c.SubscribeSince(0, 100000)
	e := &events{t: t, sub: sub, pending: missed}
	t.Cleanup(e.sub.Close)
	return e
}

// next returns the next event matching match, failing after a generous deadline.
func (e *events) next(what string, match func(cluster.Event) bool) cluster.Event {
	e.t.Helper()
	for len(e.pending) > 0 {
		ev := e.pending[0]
		e.pending = e.pending[1:]
		e.got = append(e.got, ev)
		if match(ev) {
			return ev
		}
	}
	timeout := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-e.sub.C:
			if !ok {
				e.t.Fatalf("subscription ended (%v) waiting for %s", e.sub.Err(), what)
			}
			e.got = append(e.got, ev)
			if match(ev) {
				return ev
			}
		case <-timeout:
			e.t.Fatalf("timed out waiting for %s; saw %d events", what, len(e.got))
		}
	}
}

func ofType(typ string, worker int) func(cluster.Event) bool {
	return func(ev cluster.Event) bool { return ev.Type == typ && (worker == 0 || ev.Worker == worker) }
}

func TestEchoBothWaysInOrder(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("echo")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	w, err := c.Worker(c.Workers()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if err := w.Send(map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 200; i++ {
		got := ev.next("echo", ofType(cluster.EventMessage, w.ID()))
		var m map[string]int
		if err := json.Unmarshal(got.Message, &m); err != nil || m["n"] != i {
			t.Fatalf("message %d: %s (%v)", i, got.Message, err)
		}
	}
}

func TestLifecycleEventsInOrder(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("echo")})
	ev := watch(t, c)
	id := ev.next("fork", ofType(cluster.EventFork, 0)).Worker
	ev.next("online", ofType(cluster.EventOnline, id))
	w, _ := c.Worker(id)
	if err := w.Disconnect(0); err != nil {
		t.Fatal(err)
	}
	ev.next("disconnect", ofType(cluster.EventDisconnect, id))
	exit := ev.next("exit", ofType(cluster.EventExit, id))
	if exit.Code == nil || *exit.Code != 0 || !*exit.Intentional || *exit.Restarting {
		t.Fatalf("exit after disconnect: %+v", exit)
	}
	var last uint64
	for _, e := range ev.got {
		if e.Seq <= last {
			t.Fatalf("seq not increasing: %d after %d", e.Seq, last)
		}
		last = e.Seq
	}
	if c.Size() != 0 {
		t.Fatalf("size after disconnecting the only worker: %d", c.Size())
	}
}

// TestExitCodeAndSignalsReported checks the exact words events use for how a worker
// ended (job reasons reuse them): Node's signal names, and Kill(0) meaning SIGTERM.
func TestExitCodeAndSignalsReported(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("echo")})
	ev := watch(t, c)
	kills := []struct {
		sig  syscall.Signal
		want string
	}{{syscall.SIGKILL, "SIGKILL"}, {syscall.SIGTERM, "SIGTERM"}, {0, "SIGTERM"}}
	for _, k := range kills {
		if err := c.WaitReady(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		w, _ := c.Worker(c.Workers()[0].ID)
		if err := w.Kill(k.sig); err != nil {
			t.Fatal(err)
		}
		exit := ev.next("exit", ofType(cluster.EventExit, w.ID()))
		if exit.Signal != k.want {
			t.Fatalf("Kill(%d): exit signal %q, want %q", k.sig, exit.Signal, k.want)
		}
		if exit.Code != nil || *exit.Intentional || !*exit.Restarting {
			t.Fatalf("killed worker: %+v", exit)
		}
		ev.next("replacement online", ofType(cluster.EventOnline, 0))
	}
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	w, _ := c.Worker(c.Workers()[0].ID)
	w.Crash(3)
	exit := ev.next("crash exit", ofType(cluster.EventExit, w.ID()))
	if exit.Code == nil || *exit.Code != 3 || exit.Signal != "" {
		t.Fatalf("crash exit: %+v", exit)
	}
	info := c.Workers()
	waitFor(t, "replacement", func() bool { info = c.Workers(); return len(info) == 1 && info[0].State == cluster.StateIdle })
	if want := len(kills) + 1; info[0].Restarts != want {
		t.Fatalf("restarts of the slot's worker = %d, want %d", info[0].Restarts, want)
	}
}

func TestRetiredWorkerIsNotReplaced(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 3, Env: helperEnv("echo")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		exit := ev.next("retired exit", ofType(cluster.EventExit, 0))
		if !*exit.Intentional || *exit.Restarting {
			t.Fatalf("retired worker: %+v", exit)
		}
	}
	waitFor(t, "one worker", func() bool { return len(c.Workers()) == 1 })
	forks := 0
	for _, e := range ev.got {
		if e.Type == cluster.EventFork {
			forks++
		}
	}
	if forks != 3 {
		t.Fatalf("%d forks, want the 3 initial ones only: a retired worker was replaced", forks)
	}
}
