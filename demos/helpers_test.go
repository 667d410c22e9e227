package demos_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/internal/proctest"
)

// output collects a demo's transcript; tests may read it while the demo runs.
type output struct{ proctest.Buffer }

func (o *output) lines() []string { return o.Lines() }

// waitLine polls for a line matching match and returns it; it fails the test after a
// generous deadline.
func (o *output) waitLine(t *testing.T, what string, match func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, l := range o.lines() {
			if match(l) {
				return l
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; transcript:\n%s", what, o)
	return ""
}

// count is how many lines contain s.
func count(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// ctxT is a generous deadline for one demo run.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // whole processes, under -race
	t.Cleanup(cancel)
	return ctx
}

// countExact is how many lines are exactly s.
func countExact(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if l == s {
			n++
		}
	}
	return n
}
