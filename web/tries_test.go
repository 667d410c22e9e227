package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestResultRowListsTries: a job tried twice lists both attempts, the killed one
// marked so the stylesheet draws it red; a job done at its first try lists none.
func TestResultRowListsTries(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	end := t0.Add(time.Second)
	two := JobRow{ID: 7, State: "done", Attempts: 2, Tries: []cluster.Try{
		{Worker: 1, PID: 11, StartedAt: t0, FinishedAt: &end, DurationMS: 1000, Outcome: cluster.TryKilled},
		{Worker: 2, PID: 12, StartedAt: end, FinishedAt: &end, Outcome: cluster.TryDone}}}
	var b strings.Builder
	if err := ResultRow("sleep", two).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`class="try try-killed"`, ">w1 killed<", `class="try try-done"`, ">w2 done<"} {
		if !strings.Contains(html, want) {
			t.Errorf("row lacks %s: %s", want, html)
		}
	}
	one := JobRow{ID: 8, State: "done", Attempts: 1, Tries: two.Tries[1:]}
	b.Reset()
	if err := ResultRow("sleep", one).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "tries") {
		t.Errorf("a first-try job lists its try: %s", b.String())
	}
}
