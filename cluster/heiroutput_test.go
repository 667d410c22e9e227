package cluster_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// printIDWorker prints a line on each stream as soon as it is a worker (for a
// spare: as soon as it was assigned its id), then does what idWorker does.
func printIDWorker() int {
	id := os.Getenv(cluster.EnvWorkerID)
	fmt.Println("started as worker " + id)
	fmt.Fprintln(os.Stderr, "stderr of worker "+id)
	return idWorker()
}

func init() { helpers["printid"] = printIDWorker }

// heldHeirPrinted starts a pool of one printing worker and one spare, makes the
// spare the worker's heir without killing the worker (so the heir stays held
// for as long as the test wants: the give-up runs on the fake clock), and waits
// until the heir's start-up lines were captured while held.
func heldHeirPrinted(t *testing.T, out *syncBuffer) (*cluster.Cluster, *events, *fakeClock, *cluster.Worker, int, int) {
	t.Helper()
	clock := newFakeClock()
	c, ev, _, w := oneWorkerAndASpare(t, cluster.Options{Env: helperEnv("printid"), Output: out}, clock)
	pid := cluster.PrepareHeir(w)
	id := cluster.HeirID(w)
	if pid == 0 || id == 0 {
		t.Fatal("no heir was assigned with a ready spare")
	}
	want := "started as worker " + strconv.Itoa(id) + "\nstderr of worker " + strconv.Itoa(id) + "\n"
	waitFor(t, "the held heir's lines", func() bool { // kept back, or (the bug) written already
		return cluster.HeldOutput(w) == want || hasIDLine(out.String(), id, true)
	})
	cluster.FlushLogs(c) // a worker.log event of the heir pending now would be published before the kill
	if s := out.String(); hasIDLine(s, id, false) {
		t.Fatalf("a line of held heir %d was written before its fork:\n%s", id, s)
	}
	if _, err := c.Logs(cluster.LogQuery{Worker: id}); err == nil {
		t.Fatalf("the log store knows held heir %d before its fork", id)
	}
	return c, ev, clock, w, pid, id
}

// TestHeirOutputAfterItsFork: what an heir prints while it is held is written
// (with its id's prefix) and published (worker.log) only after its fork event;
// none of it is lost.
func TestHeirOutputAfterItsFork(t *testing.T) {
	var out syncBuffer
	_, ev, _, w, pid, id := heldHeirPrinted(t, &out)
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ev.next("the old worker's exit", func(e cluster.Event) bool {
		if e.Worker == id {
			t.Fatalf("event of the heir before the old worker's exit: %+v", e)
		}
		return e.Type == cluster.EventExit && e.Worker == w.ID()
	})
	fork := ev.next("the heir's first event", func(e cluster.Event) bool { return e.Worker == id })
	if fork.Type != cluster.EventFork || fork.PID != pid {
		t.Fatalf("first event of heir %d (pid %d): %+v", id, pid, fork)
	}
	seen := map[string]bool{}
	for !seen[cluster.StreamStdout] || !seen[cluster.StreamStderr] {
		lg := ev.next("the heir's held lines", ofType(cluster.EventLog, id))
		for _, l := range lg.Lines {
			seen[l.Stream] = true
		}
	}
	n := strconv.Itoa(id)
	waitFor(t, "the heir's prefixed lines", func() bool {
		s := out.String()
		return strings.Contains(s, "[worker "+n+"] started as worker "+n+"\n") &&
			strings.Contains(s, "[worker "+n+" stderr] stderr of worker "+n+"\n")
	})
	if s := out.String(); strings.Contains(s, "[standby pid") {
		t.Fatalf("a forked heir's lines were written as a dead spare's:\n%s", s)
	}
}

// TestUnforkedHeirOutputByPid: an heir ended before any fork took it (its
// predecessor was not reaped within HeirGiveUp) had no id of its own to users:
// what it printed is written as a dead spare's output, by pid, and never becomes
// worker.log events or kept lines of that id.
func TestUnforkedHeirOutputByPid(t *testing.T) {
	var out syncBuffer
	c, ev, clock, w, pid, id := heldHeirPrinted(t, &out)
	clock.Advance(cluster.HeirGiveUp)
	waitReaped(t, pid)
	want := fmt.Sprintf("[standby pid %d] started as worker %d\n", pid, id)
	waitFor(t, "the ended heir's lines by pid", func() bool { return strings.Contains(out.String(), want) })
	cluster.FlushLogs(c)
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	fork := ev.next("the replacement's fork", func(e cluster.Event) bool {
		if e.Worker == id {
			t.Fatalf("event of the ended heir %d: %+v", id, e)
		}
		return e.Type == cluster.EventFork
	})
	if fork.PID == pid {
		t.Fatalf("the ended heir was forked: %+v", fork)
	}
	if s := out.String(); hasIDLine(s, id, false) {
		t.Fatalf("the ended heir's lines were written under its id:\n%s", s)
	}
	if _, err := c.Logs(cluster.LogQuery{Worker: id}); err == nil {
		t.Fatalf("the log store keeps lines of heir %d, which was never forked", id)
	}
}

// hasIDLine reports whether out has a line prefixed as worker id's output on
// either stream (on both, with both).
func hasIDLine(out string, id int, both bool) bool {
	n := strconv.Itoa(id)
	stdout, stderr := strings.Contains(out, "[worker "+n+"] "), strings.Contains(out, "[worker "+n+" stderr] ")
	if both {
		return stdout && stderr
	}
	return stdout || stderr
}
