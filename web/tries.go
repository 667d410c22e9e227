package web

import (
	"fmt"
	"strings"

	"github.com/gocluster/gocluster/cluster"
)

// plainTry is true for an attempt that says nothing the job's row does not: the
// only one, running or ended as the job did. Such a job's row lists no tries.
func plainTry(t cluster.Try) bool {
	switch t.Outcome {
	case cluster.TryRunning, cluster.TryDone, cluster.TryFailed:
		return true
	}
	return false
}

// TryText is one attempt in a job's row: "w3 killed".
func TryText(t cluster.Try) string {
	return fmt.Sprintf("w%d %s", t.Worker, strings.ReplaceAll(string(t.Outcome), "_", " "))
}

// TryLabel is an attempt's tooltip: who ran it, when, for how long, how it ended.
func TryLabel(t cluster.Try) string {
	s := fmt.Sprintf("worker %d (pid %d) from %s", t.Worker, t.PID, t.StartedAt.Format("15:04:05.000"))
	if t.FinishedAt != nil {
		s += fmt.Sprintf(" for %s", HumanMS(t.DurationMS))
	}
	return s + ": " + strings.ReplaceAll(string(t.Outcome), "_", " ")
}

// orAny names an empty filter choice.
func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}
