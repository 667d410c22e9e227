package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/proctest"
)

// TestAttackForkBombPastMaxWorkers is item 1 of issue 11 as a client does it, over
// the API: with -workers 3 -max-workers 3, 30 sleep jobs of 10 minutes keep every
// worker busy; then ten cycles of PUT /api/pool {"size":0} and {"size":3}. Workers
// retiring while busy stay until their job ends, and each scale-up used to fork
// three more beside them: 33 live processes. Now no more than -max-workers worker
// processes ever live at once (counted from /proc, zombies included), and the
// slots wait for the retiring workers instead.
func TestAttackForkBombPastMaxWorkers(t *testing.T) {
	const maxW = 3
	before := liveChildren(t)
	a := newAPIServer(t, cluster.Options{Workers: maxW, MaxWorkers: maxW, StopTimeout: time.Hour}, Config{})
	inputs := strings.TrimSuffix(strings.Repeat("600000,", 30), ",")
	var b cluster.BatchInfo
	a.json("POST", "/api/batches", `{"kind":"sleep","timeout":"1h","inputs":[`+inputs+`]}`).want(t, http.StatusCreated, &b)
	t.Cleanup(func() { a.c.Cancel(b.ID) })
	waitFor(t, "every worker busy", func() bool { return a.c.Pool().Queue.Running == maxW })
	most := 0
	for i := range 10 {
		for _, size := range []int{0, maxW} {
			a.json("PUT", "/api/pool", fmt.Sprintf(`{"size":%d}`, size)).want(t, http.StatusOK, nil)
			most = max(most, liveChildren(t)-before)
		}
		if most > maxW {
			t.Fatalf("cycle %d: %d worker processes alive with -max-workers %d", i, most, maxW)
		}
	}
	var p cluster.PoolInfo
	a.get("/api/pool").want(t, http.StatusOK, &p)
	if p.Size != maxW || p.Waiting != maxW || len(p.Workers) > maxW {
		t.Fatalf("after the cycles: size %d, %d slots waiting, %d workers; want %d, %d, at most %d",
			p.Size, p.Waiting, len(p.Workers), maxW, maxW, maxW)
	}
	t.Logf("at most %d worker processes alive at once", most)
}

// liveChildren counts this test process's child processes, zombies included.
func liveChildren(t *testing.T) int {
	t.Helper()
	kids, err := proctest.LeftoverChildren()
	if err != nil {
		t.Fatal(err)
	}
	return len(kids)
}
