package cluster_test

import (
	"encoding/json"
	"os/exec"
	"strconv"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestPythonWorkerJoinsThePool runs testdata/worker.py as the pool's worker (Node's
// setupPrimary({exec})): it speaks the documented protocol and answers jobs.
func TestPythonWorkerJoinsThePool(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	c := startPool(t, cluster.Options{Workers: 2, Exec: py, Args: []string{"testdata/worker.py"}})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	got := submitWait(t, c, "fib", []int64{10, 15, 20}, cluster.BatchOptions{})
	want := []int64{55, 610, 6765}
	for i, j := range got.Jobs {
		if j.State != cluster.JobDone || string(j.Result) != strconv.FormatInt(want[i], 10) {
			t.Fatalf("job %d: %+v", i, j)
		}
	}
	w, _ := c.Worker(c.Workers()[0].ID)
	w.Send("hi there")
	msg := ev.next("python echo", ofType(cluster.EventMessage, w.ID()))
	var m struct {
		Python bool   `json:"python"`
		Echo   string `json:"echo"`
	}
	if err := json.Unmarshal(msg.Message, &m); err != nil || !m.Python || m.Echo != "hi there" {
		t.Fatalf("echo %s: %v", msg.Message, err)
	}
}
