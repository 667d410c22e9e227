package cluster_test

import (
	"encoding/json"
	"syscall"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestForkDirSettingsAndSetup: Fork gives one worker its own environment, Dir is
// its working directory, Settings and OnSetup show the options with defaults.
func TestForkDirSettingsAndSetup(t *testing.T) {
	dir := t.TempDir()
	var setup cluster.Options
	c := startPool(t, cluster.Options{Workers: -1, Dir: dir, Env: helperEnv("cwd"),
		OnSetup: func(o cluster.Options) { setup = o }})
	if setup.Balance != cluster.DefaultBalance || c.Settings().Balance != cluster.DefaultBalance ||
		c.Settings().MaxFrame != cluster.DefaultMaxFrame {
		t.Fatalf("setup %q, settings %+v", setup.Balance, c.Settings())
	}
	ev := watch(t, c)
	w, err := c.Fork([]string{"TEST_FORK_ENV=mine"})
	if err != nil {
		t.Fatal(err)
	}
	msg := ev.next("cwd message", ofType(cluster.EventMessage, w.ID()))
	var m struct{ Cwd, Env string }
	json.Unmarshal(msg.Message, &m)
	if m.Cwd != dir || m.Env != "mine" {
		t.Fatalf("worker says %s; want cwd %s and env mine", msg.Message, dir)
	}
	if c.Size() != 1 || !w.IsConnected() || w.IsDead() || w.ExitCode() != -1 {
		t.Fatalf("size %d, connected %v, dead %v, code %d", c.Size(), w.IsConnected(), w.IsDead(), w.ExitCode())
	}
}

// TestDestroyIsNodesKill: Destroy signals at once, the worker is not replaced, its
// exit is intentional, and the handle keeps its exit signal.
func TestDestroyIsNodesKill(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2, Env: helperEnv("cwd")})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ev := watch(t, c)
	w, _ := c.Worker(c.Workers()[0].ID)
	if err := w.Destroy(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	exit := ev.next("exit", ofType(cluster.EventExit, w.ID()))
	<-w.Exited()
	if !*exit.Intentional || *exit.Restarting || c.Size() != 1 {
		t.Fatalf("exit %+v, size %d", exit, c.Size())
	}
	if w.ExitSignal() != "SIGKILL" || w.ExitCode() != -1 || !w.IsDead() || w.IsConnected() {
		t.Fatalf("signal %q code %d dead %v connected %v", w.ExitSignal(), w.ExitCode(), w.IsDead(), w.IsConnected())
	}
	other, _ := c.Worker(c.Workers()[0].ID)
	other.Disconnect(0)
	<-other.Exited()
	if other.ExitCode() != 0 || other.ExitSignal() != "" {
		t.Fatalf("disconnected worker: code %d signal %q", other.ExitCode(), other.ExitSignal())
	}
}
