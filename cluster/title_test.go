package cluster_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// comm is pid's process name as ps -o comm and top show it ("" once it is gone).
func comm(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

// TestProcessNamesTellWorkersFromSpares: in top or ps -o comm each worker is
// named after the executable with its id ("cluster.test-w1" here; "gocluster-w1"
// for the gocluster binary) and a ready spare "…-spare"; a spare made a worker
// takes its worker name.
func TestProcessNamesTellWorkersFromSpares(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2, Standby: 1, Env: helperEnv("id")})
	ev := watch(t, c)
	for range 2 {
		on := ev.next("online", ofType(cluster.EventOnline, 0))
		want := "cluster.test-w" + fmt.Sprint(on.Worker) // the test binary's name fits whole
		waitFor(t, fmt.Sprintf("worker %d named %s", on.Worker, want), func() bool { return comm(on.PID) == want })
	}
	waitStandby(t, c, 1)
	spares := standbyPIDs(t, c)
	if len(spares) != 1 {
		t.Fatalf("spare pids %v, want one", spares)
	}
	spare := spares[0]
	// Its name is set as it starts waiting, which is before it says it is ready.
	if got := comm(spare); got != "cluster.t-spare" {
		t.Fatalf("the spare is named %q, want %q (the executable's name cut to fit)", got, "cluster.t-spare")
	}
	w := c.Workers()[0]
	worker, _ := c.Worker(w.ID)
	if err := worker.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	fork := ev.next("the replacement's fork", func(e cluster.Event) bool {
		return e.Type == cluster.EventFork && e.Worker != w.ID
	})
	if fork.PID != spare {
		t.Fatalf("the replacement %d was not the ready spare %d", fork.PID, spare)
	}
	want := "cluster.test-w" + fmt.Sprint(fork.Worker)
	waitFor(t, "the spare renamed "+want, func() bool { return comm(spare) == want })
}
