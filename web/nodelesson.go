package web

import (
	"fmt"
	"strings"
	"time"
)

// CodeLine is one line of a snippet; a line with a Fault is highlighted, and its
// Fault names the explanation (Fault.ID) it belongs to.
type CodeLine struct {
	Text  string
	Fault string
}

// Fault is one fault of the Node script: highlighted lines and why they are wrong.
type Fault struct {
	ID, Title, Why string
}

// NodeLessonView is the Node script beside the Go program, the lines of each fault
// highlighted on both sides.
type NodeLessonView struct {
	Node, Go []CodeLine
	Faults   []Fault
}

// FibNodeView is the fib demo's Node replay: a run of the Node script's faults on a
// pool of its own, and its transcript.
type FibNodeView struct {
	Ran, Running bool
	// NumCPUs is what the replay plays as Node's numCPUs; Inputs the list.
	NumCPUs int
	Inputs  []int64
	Stall   time.Duration
	// Workers forked (min(numCPUs, jobs)), Jobs in the list, Sent (one per worker),
	// Answered; Banners is how many START lines were printed.
	Workers, Jobs, Sent, Answered, Banners int
	Stalled                                bool
	Lines                                  []string
	Error                                  string
}

// FibNodeState is the replay's data-state: idle, running, stalled, finished or
// failed.
func FibNodeState(v FibNodeView) string {
	switch {
	case !v.Ran:
		return "idle"
	case v.Running:
		return "running"
	case v.Error != "":
		return "failed"
	case v.Stalled:
		return "stalled"
	}
	return "finished"
}

// FibNodeStatusText is the replay's status line.
func FibNodeStatusText(v FibNodeView) string {
	switch FibNodeState(v) {
	case "idle":
		return "Not run yet: tick “Node's behaviour” and run the demo."
	case "running":
		return fmt.Sprintf("Replaying the Node script: %d jobs (%s), numCPUs = %d, so %s forked, one job each…",
			v.Jobs, inputsText(v.Inputs), v.NumCPUs, plural(v.Workers, "worker"))
	case "failed":
		return "The replay ended early: " + v.Error
	case "stalled":
		return fmt.Sprintf("Stalled: %d of %d results came, then nothing for %s. Node would hang here forever.",
			v.Answered, v.Jobs, v.Stall)
	}
	return fmt.Sprintf("Finished: %d jobs on %s, one job each.", v.Jobs, plural(v.Workers, "worker"))
}

// FibNodeOutcome says what the finished replay showed, or "" while there is nothing
// to say.
func FibNodeOutcome(v FibNodeView) string {
	if v.Running || !v.Ran || v.Error != "" {
		return ""
	}
	banner := fmt.Sprintf("START was printed %d times, once by each process (the primary and %s).",
		v.Banners, plural(v.Workers, "worker"))
	if !v.Stalled {
		return banner + " Every job had its own worker, so the list finished; give it more jobs than numCPUs to see the hang."
	}
	return banner + fmt.Sprintf(" The loop sent %d of the %d jobs, one per worker, and the primary waited for all %d results: "+
		"the rest were never asked for. Without the Node behaviour the same list finishes.", v.Sent, v.Jobs, v.Jobs)
}

// IsBannerLine reports whether a transcript line is a START banner, the primary's or
// a worker's, so the page can mark each one.
func IsBannerLine(line string) bool {
	return strings.HasSuffix(line, "####====START====###")
}

// inputsText writes a list as the forms take it: "44 42 42 43".
func inputsText(inputs []int64) string {
	s := make([]string, len(inputs))
	for i, n := range inputs {
		s[i] = itoa(n)
	}
	return strings.Join(s, " ")
}
