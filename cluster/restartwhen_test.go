package cluster_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// plainExiting is a plain program (no protocol) that ends the way how says:
// "exit 0", "exit 1" or by SIGKILL.
func plainExiting(how string) cluster.Options {
	script := map[string]string{"code 0": "exit 0", "code 1": "exit 1", "SIGKILL": "kill -9 $$"}[how]
	return cluster.Options{Workers: 1, Protocol: cluster.ProtocolNone, Exec: "/bin/sh", Args: []string{"-c", script}}
}

// TestRestartWhenDecidesPerExit runs a real worker that exits with code 0, code 1 or
// is killed by SIGKILL, under each restart policy: always restarts all three,
// on-failure all but code 0, never none; a worker not restarted leaves the pool,
// which shrinks to 0 and says so.
func TestRestartWhenDecidesPerExit(t *testing.T) {
	for _, when := range []cluster.RestartWhen{cluster.RestartAlways, cluster.RestartOnFailure, cluster.RestartNever} {
		for _, how := range []string{"code 0", "code 1", "SIGKILL"} {
			want := when == cluster.RestartAlways || when == cluster.RestartOnFailure && how != "code 0"
			t.Run(fmt.Sprintf("%s/%s", when, how), func(t *testing.T) {
				opts := plainExiting(how)
				// A long window: the first restarts must not be a crash loop yet.
				opts.Restart = cluster.RestartPolicy{When: when, Backoff: 10 * time.Millisecond, CrashLoopLimit: 100}
				c := startPool(t, opts)
				ev := watch(t, c)
				exit := ev.next("the first exit", ofType(cluster.EventExit, 0))
				switch how {
				case "SIGKILL":
					if exit.Signal != "SIGKILL" {
						t.Fatalf("exit: %+v", exit)
					}
				default:
					if exit.Code == nil || fmt.Sprintf("code %d", *exit.Code) != how {
						t.Fatalf("exit: %+v", exit)
					}
				}
				if exit.Restarting == nil || *exit.Restarting != want {
					t.Fatalf("restarting = %v, want %v (%+v)", exit.Restarting, want, exit)
				}
				if want {
					ev.next("the restart", func(e cluster.Event) bool { return e.Type == cluster.EventFork && e.Worker > exit.Worker })
					if c.Size() != 1 {
						t.Fatalf("size %d after a restart, want 1", c.Size())
					}
					return
				}
				if !strings.Contains(exit.Detail, `restart policy "never"`) && !strings.Contains(exit.Detail, `"on-failure"`) ||
					!strings.Contains(exit.Detail, "shrinks to 0") {
					t.Fatalf("exit detail %q does not say why it is not restarted", exit.Detail)
				}
				scale := ev.next("the pool shrinking", ofType(cluster.EventScale, 0))
				for scale.Size == nil || *scale.Size != 0 {
					scale = ev.next("the pool shrinking", ofType(cluster.EventScale, 0))
				}
				if p := c.Pool(); p.Size != 0 || len(p.Workers) != 0 {
					t.Fatalf("pool after the exit: size %d, %d workers", p.Size, len(p.Workers))
				}
				// Scaling brings workers back, under the same policy.
				if err := c.Scale(1); err != nil {
					t.Fatal(err)
				}
				ev.next("a fork after scaling", func(e cluster.Event) bool { return e.Type == cluster.EventFork && e.Worker > exit.Worker })
			})
		}
	}
}

// TestRestartNeverStillReplacesAKilledWorker: a worker the pool killed on request
// (Worker.Kill) did not exit by itself, so even -restart never replaces it.
func TestRestartNeverStillReplacesAKilledWorker(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Protocol: cluster.ProtocolNone, Exec: "/bin/sh",
		Args: []string{"-c", "exec sleep 60"}, Restart: cluster.RestartPolicy{When: cluster.RestartNever}})
	ev := watch(t, c)
	first := ev.next("fork", ofType(cluster.EventFork, 0))
	w, err := c.Worker(first.Worker)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	exit := ev.next("exit", ofType(cluster.EventExit, first.Worker))
	if exit.Restarting == nil || !*exit.Restarting || exit.Reason != cluster.ReasonKilled {
		t.Fatalf("exit: %+v", exit)
	}
	ev.next("replacement", func(e cluster.Event) bool { return e.Type == cluster.EventFork && e.Worker > first.Worker })
}

// TestMaxRestartsWithinWindowDegrades: a program that fails at once, with at most 2
// restarts within a minute, is restarted twice and then its slot is degraded.
func TestMaxRestartsWithinWindowDegrades(t *testing.T) {
	opts := plainExiting("code 1")
	opts.Restart = cluster.RestartPolicy{When: cluster.RestartOnFailure, Backoff: 5 * time.Millisecond,
		MaxBackoff: 20 * time.Millisecond, CrashLoopLimit: 2, CrashLoopWindow: time.Minute, DegradedCooldown: -1}
	c := startPool(t, opts)
	ev := watch(t, c)
	deg := ev.next("degraded", ofType(cluster.EventDegraded, 0))
	if !strings.Contains(deg.Error, "crashed 3 times within 1m0s") {
		t.Fatalf("degraded: %q", deg.Error)
	}
	forks := 0
	for _, e := range ev.got {
		if e.Type == cluster.EventFork {
			forks++
		}
	}
	if forks != 3 {
		t.Fatalf("%d forks before degrading, want 3 (the first and 2 restarts)", forks)
	}
	if p := c.Pool(); !p.Degraded || p.Size != 1 {
		t.Fatalf("pool: degraded %v size %d", p.Degraded, p.Size)
	}
}

func TestStartRefusesUnknownRestartWhen(t *testing.T) {
	_, err := cluster.Start(cluster.Options{Workers: -1, Restart: cluster.RestartPolicy{When: "sometimes"}})
	if err == nil || !strings.Contains(err.Error(), "want always, on-failure or never") {
		t.Fatalf("err = %v", err)
	}
}

// TestMaxMemoryReplacesGracefully: the first worker allocates and touches 160 MiB
// (the memhog helper), over a 96 MiB limit; it is replaced by a worker that does
// not, started before it is drained, while jobs run: none fails or is lost, and
// its exit says why.
func TestMaxMemoryReplacesGracefully(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: append(helperEnv("memhog"), "MEMHOG_WORKER=1"),
		Restart: cluster.RestartPolicy{MaxMemory: 96 << 20, MemoryInterval: 50 * time.Millisecond, MemorySamples: 3}})
	ev := watch(t, c)
	b, err := c.Submit("sleep", repeat(20, 100), cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exit := ev.next("the hog's exit", ofType(cluster.EventExit, 1))
	if exit.Reason != cluster.ReasonMemory || exit.Intentional == nil || !*exit.Intentional ||
		!strings.Contains(exit.Detail, "over the limit of 96.0MiB") {
		t.Fatalf("exit: %+v", exit)
	}
	// The successor was forked before the hog left.
	forked := false
	for _, e := range ev.got {
		forked = forked || e.Type == cluster.EventFork && e.Worker == 2
	}
	if !forked {
		t.Fatal("worker 1 exited before its successor was forked")
	}
	got, err := c.WaitBatch(ctxT(t), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary.Done != 100 || got.Summary.Failed != 0 {
		t.Fatalf("jobs: %+v", got.Summary)
	}
	if ws := c.Workers(); len(ws) != 1 || ws[0].ID != 2 {
		t.Fatalf("workers after the replacement: %+v", ws)
	}
}

func repeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// memHog is a job worker that, if it is worker MEMHOG_WORKER, first allocates and
// touches 160 MiB so that its RSS is over a test's memory limit.
func memHog() int {
	if os.Getenv(cluster.EnvWorkerID) == os.Getenv("MEMHOG_WORKER") {
		hog = make([]byte, 160<<20)
		for i := range hog {
			hog[i] = byte(i)
		}
	}
	return jobsWorker()
}

var hog []byte

func init() { helpers["memhog"] = memHog }
