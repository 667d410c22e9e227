package cluster_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

const envGate = "GOCLUSTER_TEST_GATE"

func init() { helpers["gate"] = gateWorker }

// gateWorker holds back its handshake while the file named by envGate exists, then
// serves jobs: a worker that is slow to come online, for as long as a test says.
func gateWorker() int {
	for {
		if _, err := os.Stat(os.Getenv(envGate)); err != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return jobsWorker()
}

// TestRestartTimeoutKeepsSize: a rolling restart whose replacement does not come
// online before ctx ends used to return with the old worker still serving beside its
// replacement, never retired: a pool of size 1 with 2 live workers for good. Now the
// old worker is retired all the same and a pool.restart event carries the error.
func TestRestartTimeoutKeepsSize(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	c := startPool(t, cluster.Options{Workers: 1, Env: append(helperEnv("gate"), envGate+"="+gate)})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	old := c.Workers()[0].ID
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := c.Restart(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Restart: %v, want the deadline", err)
	}
	got := ev.next("pool.restart", ofType(cluster.EventRestart, 0))
	if got.State != cluster.RestartFailed || !strings.Contains(got.Error, "deadline exceeded") || got.Slot == 0 {
		t.Fatalf("restart event: %+v", got)
	}
	waitFor(t, "the old worker to leave", func() bool {
		ws := c.Workers()
		return len(ws) == 1 && ws[0].ID != old
	})
	if p := c.Pool(); p.Size != 1 {
		t.Fatalf("size %d after a failed restart, want 1", p.Size)
	}
	// The replacement kept the slot: once it can, it comes online.
	os.Remove(gate)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if ws := c.Workers(); len(ws) != 1 || ws[0].ID == old || ws[0].State != cluster.StateIdle {
		t.Fatalf("workers after the replacement came online: %+v", ws)
	}
}
