package demos_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// fib is the reference: the lesson's fibo.
func fib(n int64) int64 {
	a, b := int64(0), int64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

var (
	reReceive = regexp.MustCompile(`^\[worker (\d+)\] receive msg (\d+)$`)
	reFinish  = regexp.MustCompile(`^\[worker (\d+)\] finish work and using (\d+) ms$`)
	reResult  = regexp.MustCompile(`^\[master\] receive message from \[worker (\d+)\]: (\d+)$`)
)

// CheckFibTranscript checks a fib demo's transcript against the lesson's shape: the
// banner once, a fork line per worker, and per worker "receive msg", "finish work",
// then the primary's "receive message" with the right value, in that order; every
// input answered; the list finished.
func checkFibTranscript(t *testing.T, lines []string, workers int, inputs []int64) {
	t.Helper()
	if n := countExact(lines, demos.Banner); n != 1 {
		t.Errorf("banner printed %d times, want once", n)
	}
	if n := count(lines, "[master] : fork worker"); n != workers {
		t.Errorf("%d fork lines, want %d", n, workers)
	}
	pending := map[string][]int64{} // per worker: inputs received, not yet answered
	finished := map[string]int{}    // per worker: finish lines not yet answered
	var results []int64
	for _, l := range lines {
		if m := reReceive.FindStringSubmatch(l); m != nil {
			n, _ := strconv.ParseInt(m[2], 10, 64)
			if len(pending[m[1]]) > finished[m[1]] {
				t.Errorf("worker %s received %d before finishing its previous job", m[1], n)
			}
			pending[m[1]] = append(pending[m[1]], n)
		} else if m := reFinish.FindStringSubmatch(l); m != nil {
			finished[m[1]]++
			if finished[m[1]] > len(pending[m[1]]) {
				t.Errorf("worker %s finished work it never received: %q", m[1], l)
			}
		} else if m := reResult.FindStringSubmatch(l); m != nil {
			v, _ := strconv.ParseInt(m[2], 10, 64)
			if len(pending[m[1]]) == 0 || finished[m[1]] == 0 {
				t.Fatalf("result %q before worker %s said it finished", l, m[1])
			}
			in := pending[m[1]][0]
			pending[m[1]], finished[m[1]] = pending[m[1]][1:], finished[m[1]]-1
			if v != fib(in) {
				t.Errorf("worker %s: fib(%d) = %d, want %d", m[1], in, v, fib(in))
			}
			results = append(results, in)
		}
	}
	got, want := slices.Sorted(slices.Values(results)), slices.Sorted(slices.Values(inputs))
	if !slices.Equal(got, want) {
		t.Errorf("answered inputs %v, want %v", got, want)
	}
	if count(lines, "[master] finish all work and using") != 1 {
		t.Error("no single 'finish all work' line")
	}
}

func TestFibMoreJobsThanWorkers(t *testing.T) {
	var out output
	inputs := []int64{20, 21, 22, 23, 24}
	if err := demos.Fib(ctxT(t), &out, demos.FibOptions{Workers: 2, Inputs: inputs}); err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	lines := out.lines()
	checkFibTranscript(t, lines, 2, inputs)
	for _, want := range []string{
		"lesson 1, the banner", "lesson 2, fewer workers than jobs", "Here 5 jobs ran on 2 workers and all finished",
		"speedup not measured", "exitedAfterDisconnect: true",
	} {
		if count(lines, want) == 0 {
			t.Errorf("transcript lacks %q:\n%s", want, &out)
		}
	}
	if n := count(lines, "died (exit code 0, exitedAfterDisconnect: true)"); n != 2 {
		t.Errorf("%d workers disconnected cleanly, want 2:\n%s", n, &out)
	}
}

func TestFibCompareReruns(t *testing.T) {
	var out output
	err := demos.Fib(ctxT(t), &out, demos.FibOptions{Workers: 1, Inputs: []int64{22, 23}, Compare: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	lines := out.lines()
	checkFibTranscript(t, lines, 1, []int64{22, 23})
	if count(lines, "measured by rerunning the list on a 1-worker pool") != 1 {
		t.Errorf("no measured comparison:\n%s", &out)
	}
	if count(lines, "every one of the") != 0 || count(lines, "Here 2 jobs ran on 1 worker and") != 1 {
		t.Errorf("lesson 2 does not fit the run:\n%s", &out)
	}
}

func TestFibDefaultsToTheLessonsList(t *testing.T) {
	if got := demos.DefaultFibInputs(); !slices.Equal(got, []int64{44, 42, 42, 43}) {
		t.Fatalf("DefaultFibInputs() = %v", got)
	}
}

func TestFibRejectsBadOptionsBeforeForking(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts demos.FibOptions
		want string
	}{
		{"negative workers", demos.FibOptions{Workers: -1}, "between 1 and 64"},
		{"too many workers", demos.FibOptions{Workers: 65}, "between 1 and 64"},
		{"input too large", demos.FibOptions{Workers: 1, Inputs: []int64{20, 51}}, "input 2"},
		{"negative input", demos.FibOptions{Workers: 1, Inputs: []int64{-1}}, "out of range"},
		{"too many inputs", demos.FibOptions{Workers: 1, Inputs: make([]int64, demos.MaxFibInputs+1)}, "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out output
			err := demos.Fib(context.Background(), &out, tc.opts)
			if !errors.Is(err, cluster.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
			if out.String() != "" {
				t.Errorf("printed %q before rejecting", out.String())
			}
		})
	}
}

// TestFibInterrupted stops a long job: the demo returns at once with the context's
// error and kills its workers instead of waiting for fib(50), which takes minutes
// under -race.
func TestFibInterrupted(t *testing.T) {
	var out output
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- demos.Fib(ctx, &out, demos.FibOptions{Workers: 1, Inputs: []int64{50}}) }()
	out.waitLine(t, "the job to start", func(l string) bool { return strings.HasSuffix(l, "receive msg 50") })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Fib did not return within a minute of cancel")
	}
}
