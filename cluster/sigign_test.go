package cluster_test

import (
	"errors"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestKillRefusesASignalTheWorkerIgnores: a primary started with SIGHUP ignored (as
// under nohup) forks workers that ignore it too. Kill(SIGHUP) used to answer nil and
// the worker lived on; now it is ErrInvalid naming the reason, the worker is left
// alone, and SIGTERM still ends it.
func TestKillRefusesASignalTheWorkerIgnores(t *testing.T) {
	signal.Ignore(syscall.SIGHUP) // what nohup does to the primary, inherited by workers
	c := startPool(t, cluster.Options{Workers: 1})
	signal.Reset(syscall.SIGHUP)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	info := c.Workers()[0]
	w, err := c.Worker(info.ID)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Kill(syscall.SIGHUP)
	if !errors.Is(err, cluster.ErrInvalid) || !strings.Contains(err.Error(), "ignores SIGHUP") {
		t.Fatalf("Kill(SIGHUP) of a worker that ignores it: %v, want ErrInvalid saying so", err)
	}
	if got, err := w.Info(); err != nil || got.State != cluster.StateIdle {
		t.Fatalf("worker after the refused kill: %+v %v", got, err)
	}
	if err := w.Kill(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the worker to end after SIGTERM", func() bool {
		_, err := c.Worker(info.ID)
		return err != nil
	})
}
