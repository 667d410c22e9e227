package web

import (
	"encoding/json"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func ptrTo[T any](v T) *T { return &v }

// TestDescribeEvent: the log's words, among them a cancel that reads as a cancel and
// a replacement that names the worker it replaces.
func TestDescribeEvent(t *testing.T) {
	yes, no := ptrTo(true), ptrTo(false)
	for _, c := range []struct {
		ev   cluster.Event
		want string
		tone string
	}{
		{cluster.Event{Type: cluster.EventExit, Worker: 3, PID: 41, Signal: "SIGKILL", Intentional: no, Restarting: yes},
			"worker 3 (pid 41) died (SIGKILL), restarting...", "bad"},
		{cluster.Event{Type: cluster.EventExit, Worker: 3, PID: 41, Signal: "SIGKILL", Intentional: no, Restarting: yes,
			Reason: cluster.ReasonCanceled}, "worker 3 (pid 41) stopped (SIGKILL) to cancel its job, replacing it...", "cancel"},
		{cluster.Event{Type: cluster.EventExit, Worker: 3, PID: 41, Signal: "SIGKILL", Intentional: no, Restarting: yes,
			Reason: cluster.ReasonTimeout}, "worker 3 (pid 41) stopped (SIGKILL): its job timed out, replacing it...", "bad"},
		{cluster.Event{Type: cluster.EventExit, Worker: 2, Code: ptrTo(0), Intentional: yes, Restarting: no},
			"worker 2 exited (code 0) after disconnect", ""},
		{cluster.Event{Type: cluster.EventExit, Worker: 2, PID: 40, Code: ptrTo(0), Intentional: no, Restarting: no,
			Detail: `not restarted (restart policy "never"): the pool shrinks to 1`},
			`worker 2 (pid 40) died (code 0): not restarted (restart policy "never"): the pool shrinks to 1`, "bad"},
		{cluster.Event{Type: cluster.EventExit, Worker: 2, PID: 40, Signal: "SIGTERM", Intentional: yes, Restarting: no,
			Reason: cluster.ReasonMemory, Detail: "memory 230.0MiB over the limit of 200.0MiB"},
			"worker 2 (pid 40) exited (SIGTERM) after disconnect: memory 230.0MiB over the limit of 200.0MiB", ""},
		{cluster.Event{Type: cluster.EventFork, Worker: 4, Restarts: 2, Replaces: 3},
			"[primary] fork worker 4 (restart #2, replaces worker 3)", ""},
		{cluster.Event{Type: cluster.EventJobDone, Job: 7, Kind: "fib", Input: json.RawMessage("42"), Result: json.RawMessage("267914296"),
			Worker: 2, DurationMS: 1234.4}, "job 7 fib(42) = 267914296 on worker 2 in 1234 ms", ""},
		{cluster.Event{Type: cluster.EventBatchDone, Batch: "r-1", State: "done",
			Summary: &cluster.BatchSummary{Done: 4, WallMS: 3200}}, "job list r-1 done in 3.2 s: 4 done, 0 failed, 0 canceled (speedup not measured)", ""},
	} {
		got := EventLines([]cluster.Event{c.ev})[0]
		if got.Text != c.want || got.Tone != c.tone {
			t.Errorf("%s: %q (tone %q), want %q (tone %q)", c.ev.Type, got.Text, got.Tone, c.want, c.tone)
		}
	}
}
