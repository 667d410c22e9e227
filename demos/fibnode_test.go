package demos_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/demos"
)

// TestNodeFibStalls replays the Node script with more jobs than workers: every
// process prints START (each worker after its fork line), each worker gets exactly
// one job, and the primary waits for the other two results until the stall timeout,
// then explains the hang; no "finish all work" line, as in Node.
func TestNodeFibStalls(t *testing.T) {
	var out output
	start := time.Now()
	rep, err := demos.NodeFib(ctxT(t), &out, demos.FibOptions{Workers: 2, Inputs: []int64{20, 18, 18, 19},
		Stall: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("NodeFib: %v\n%s", err, &out)
	}
	lines := out.lines()
	want := demos.NodeReport{Workers: 2, Banners: 3, Jobs: 4, Sent: 2, Answered: 2, Stalled: true}
	if rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	if lines[0] != demos.Banner || countExact(lines, demos.Banner) != 1 {
		t.Errorf("the primary's banner is not the first line, once:\n%s", &out)
	}
	for _, w := range []string{"1", "2"} {
		fork := slices.Index(lines, "[master] : fork worker "+w)
		banner := slices.Index(lines, "[worker "+w+"] "+demos.Banner)
		if fork < 0 || banner < fork {
			t.Errorf("worker %s: fork line at %d, START at %d; want START after the fork:\n%s", w, fork, banner, &out)
		}
	}
	if n := count(lines, "] receive msg "); n != 2 {
		t.Errorf("%d jobs received, want one per worker (2):\n%s", n, &out)
	}
	if count(lines, "finish all work") != 0 || count(lines, "waiting for the results of 18 19,") != 1 ||
		count(lines, "Node would hang here forever") != 1 || count(lines, "printed 3 times") != 1 {
		t.Errorf("the stall is not shown and explained:\n%s", &out)
	}
	if elapsed := time.Since(start); elapsed < 300*time.Millisecond {
		t.Errorf("the replay ended after %s, before its stall timeout", elapsed)
	}
}

// TestNodeFibFinishesWithEnoughWorkers: with no more jobs than workers the Node
// script's one send per worker covers the list, so it finishes; START is still
// printed by every process.
func TestNodeFibFinishesWithEnoughWorkers(t *testing.T) {
	var out output
	rep, err := demos.NodeFib(ctxT(t), &out, demos.FibOptions{Workers: 4, Inputs: []int64{20, 21},
		Stall: time.Minute})
	if err != nil {
		t.Fatalf("NodeFib: %v\n%s", err, &out)
	}
	want := demos.NodeReport{Workers: 2, Banners: 3, Jobs: 2, Sent: 2, Answered: 2}
	if rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	s := out.String()
	if !strings.Contains(s, "[master] finish all work and using ") || strings.Contains(s, "stalled") ||
		!strings.Contains(s, "so the script finished") {
		t.Errorf("want a finished list and no stall:\n%s", s)
	}
}

// TestFibNodeBehaviourOption: Fib with NodeBehaviour is the replay; a stall
// timeout out of range is refused.
func TestFibNodeBehaviourOption(t *testing.T) {
	var out output
	err := demos.Fib(ctxT(t), &out, demos.FibOptions{Workers: 1, Inputs: []int64{10, 11},
		NodeBehaviour: true, Stall: 50 * time.Millisecond})
	lines := out.lines()
	if err != nil || countExact(lines, demos.Banner) != 1 || countExact(lines, "[worker 1] "+demos.Banner) != 1 ||
		count(lines, "stalled") != 1 {
		t.Fatalf("Fib with NodeBehaviour: %v\n%s", err, &out)
	}
	for _, stall := range []time.Duration{time.Millisecond, time.Hour} {
		err := demos.Fib(ctxT(t), &out, demos.FibOptions{NodeBehaviour: true, Stall: stall})
		if err == nil || !strings.Contains(err.Error(), "stall timeout") {
			t.Errorf("stall %s: %v, want a refusal", stall, err)
		}
	}
}
