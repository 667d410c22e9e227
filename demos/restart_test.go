package demos_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// reDied is the lesson's exit line: worker.process.pid and `signal || code`.
var reDied = regexp.MustCompile(`^worker \d+ died \((SIG[A-Z]+|\d+)\)\. restarting\.\.\.$`)

func TestRestartReplacesThenGuardsACrashLoop(t *testing.T) {
	var out output
	start := time.Now()
	if err := demos.Restart(ctxT(t), &out, demos.RestartOptions{Workers: 2, Duration: 5 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	t.Logf("took %s:\n%s", time.Since(start).Round(time.Millisecond), &out)
	lines := out.lines()
	phase2 := -1
	died := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "[master] phase 2") {
			phase2 = i
		}
		if strings.HasPrefix(l, "worker ") && strings.Contains(l, " died (") {
			if !reDied.MatchString(l) {
				t.Errorf("exit line not in the lesson's style: %q", l)
			}
			if phase2 < 0 {
				died++
			}
		}
	}
	if died == 0 || phase2 < 0 {
		t.Fatalf("phase 1 saw %d deaths; phase 2 at line %d", died, phase2)
	}
	for _, want := range []string{
		"at once: the first restart is immediate", "after a backoff of", "crash-loop guard (pool.degraded)",
		"crashing at start (exit code 1)", "phase 1 over",
	} {
		if count(lines[phase2:], want) == 0 && count(lines, want) == 0 {
			t.Errorf("transcript lacks %q", want)
		}
	}
	checkExitCodes(t, lines[:phase2])
	if n := count(lines[phase2:], "died (1). restarting..."); n != 6 {
		t.Errorf("phase 2 printed %d crashes, want 6 (limit 5, guard on the 6th)", n)
	}
}

func TestRestartRejectsBadOptions(t *testing.T) {
	var out output
	for _, opts := range []demos.RestartOptions{
		{Workers: 100},
		{Workers: 1, Duration: -time.Second},
		{Workers: 1, Duration: 2 * time.Hour},
	} {
		if err := demos.Restart(ctxT(t), &out, opts); !errors.Is(err, cluster.ErrInvalid) {
			t.Errorf("Restart(%+v) = %v, want ErrInvalid", opts, err)
		}
	}
	if out.String() != "" {
		t.Errorf("printed %q before rejecting", out.String())
	}
}

var (
	reUp   = regexp.MustCompile(`\] pid (\d+) up; I will exit with code (\d+) in`)
	reDead = regexp.MustCompile(`^worker (\d+) died \(([^)]+)\)`)
)

// checkExitCodes checks that each worker that died by itself exited with the code it
// announced, so the primary reports real exit statuses.
func checkExitCodes(t *testing.T, lines []string) {
	t.Helper()
	announced := map[string]string{}
	for _, l := range lines {
		if m := reUp.FindStringSubmatch(l); m != nil {
			announced[m[1]] = m[2]
		}
		if m := reDead.FindStringSubmatch(l); m != nil && !strings.HasPrefix(m[2], "SIG") {
			if want, ok := announced[m[1]]; ok && want != m[2] {
				t.Errorf("pid %s announced exit code %s but died (%s)", m[1], want, m[2])
			}
		}
	}
}
