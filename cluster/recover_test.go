package cluster_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func init() { helpers["crashwhile"] = crashWhileWorker }

// crashWhileWorker exits with code 3 while the file named by envGate exists, and
// serves jobs once it is gone: a crash loop whose cause goes away, like an OOM killer
// that stops killing.
func crashWhileWorker() int {
	if _, err := os.Stat(os.Getenv(envGate)); err == nil {
		return 3
	}
	return jobsWorker()
}

// TestDegradedSlotRecovers: a slot degraded by a crash loop used to stay empty for
// good, and the jobs queued meanwhile failed at once. Now the slot is retried after
// DegradedCooldown, queued jobs wait for it, and a worker that stays up StableAfter
// ends the degraded state with a pool.recovered event.
func TestDegradedSlotRecovers(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	c := startPool(t, cluster.Options{Workers: 1, Clock: clock, Env: append(helperEnv("crashwhile"), envGate+"="+gate),
		Restart: cluster.RestartPolicy{CrashLoopWindow: time.Hour, CrashLoopLimit: 1,
			DegradedCooldown: 30 * time.Second, StableAfter: 10 * time.Second}})
	ev := watch(t, c)
	ev.next("degraded", ofType(cluster.EventDegraded, 0))
	p := c.Pool()
	if p.Health() != cluster.HealthDown || len(p.DegradedSlots) != 1 || p.DegradedSlots[0].RetryAt == nil ||
		!p.DegradedSlots[0].RetryAt.Equal(clock.Now().Add(30*time.Second)) {
		t.Fatalf("degraded pool: health %s, slots %+v", p.Health(), p.DegradedSlots)
	}
	b, err := c.Submit("fib", []int64{10}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Batch(b.ID); got.Summary.Queued != 1 {
		t.Fatalf("a job for a pool waiting for its retry should wait: %+v", got.Summary)
	}

	os.Remove(gate) // the cause is gone
	clock.Advance(30 * time.Second)
	online := ev.next("the retried worker online", ofType(cluster.EventOnline, 0))
	if got, err := c.WaitBatch(ctxT(t), b.ID); err != nil || got.Summary.Done != 1 {
		t.Fatalf("the queued job after the retry: %+v %v", got.Summary, err)
	}
	if p := c.Pool(); p.Health() != cluster.HealthDegraded || p.DegradedSlots[0].Worker != online.Worker {
		t.Fatalf("on probation: health %s, slots %+v", p.Health(), p.DegradedSlots)
	}
	clock.Advance(10 * time.Second)
	rec := ev.next("recovered", ofType(cluster.EventRecovered, 0))
	if rec.Worker != online.Worker || rec.Slot != online.Slot {
		t.Fatalf("recovered event %+v for worker %+v", rec, online)
	}
	if p := c.Pool(); p.Health() != cluster.HealthOK || p.Degraded || len(p.DegradedSlots) != 0 {
		t.Fatalf("after recovery: health %s, %+v", p.Health(), p)
	}
}
