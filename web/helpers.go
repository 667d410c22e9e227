package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// currentJob describes a worker's job on its card: "fib(42) · job 7", or "–".
func currentJob(j *JobRef) string {
	if j == nil {
		return "–"
	}
	return JobLabel(j.Kind, j.Input) + " · job " + strconv.FormatInt(j.Job, 10)
}

// batchTitle names a job list in the panel: "fib × 4".
func batchTitle(b BatchRow) string {
	return b.Kind + " × " + strconv.Itoa(b.Summary.Total)
}

// kindDoc is the description shown under the kind select: that of the selected kind,
// or of the first when none is selected.
func kindDoc(kinds []KindOption, selected string) string {
	for _, k := range kinds {
		if k.Name == selected {
			return k.Doc
		}
	}
	if len(kinds) > 0 {
		return kinds[0].Doc
	}
	return ""
}

// formInputs is the textarea's text: what was typed, or the preset on a fresh form.
func formInputs(f JobFormView) string {
	if f.Inputs == "" && f.Error == "" {
		return DefaultInputs
	}
	return f.Inputs
}

// timeoutPlaceholder is the timeout field's placeholder: the pool's default, which
// an empty field means.
func timeoutPlaceholder(f JobFormView) string {
	if f.DefaultTimeout == "" {
		return "60s"
	}
	return f.DefaultTimeout
}

// timeoutHint says what the timeout field takes and what leaving it empty means.
func timeoutHint(f JobFormView) string {
	const format = "How long each job may run, as a Go duration such as 30s or 2m. "
	if f.DefaultTimeout == "" {
		return format + "Empty means the pool's default."
	}
	return format + "Empty means the pool's default, " + f.DefaultTimeout + "."
}

// pagerRange says which jobs a page shows: "jobs 501–1000 of 100000".
func pagerRange(p JobPager) string {
	if p.Total == 0 || p.Offset >= p.Total {
		return fmt.Sprintf("no jobs here (the list has %d)", p.Total)
	}
	last := min(p.Offset+p.Limit, p.Total)
	return fmt.Sprintf("jobs %d–%d of %d", p.Offset+1, last, p.Total)
}

// timelineEnd is where a list's timeline axis ends: its finish, or now while it runs.
func timelineEnd(v BatchPageView) time.Time {
	if !v.Batch.FinishedAt.IsZero() {
		return v.Batch.FinishedAt
	}
	if v.Now.IsZero() {
		return v.Batch.CreatedAt
	}
	return v.Now
}

// tickClass anchors the first axis label at its start, the last at its end and the
// others at their middle, so none is cut off.
func tickClass(i, n int) string {
	switch {
	case i == 0:
		return "tick tick-first"
	case i == n-1:
		return "tick tick-last"
	}
	return "tick"
}

// laneLabel describes a lane for screen readers: "worker 2, pid 4121: 3 jobs".
func laneLabel(l Lane) string {
	return fmt.Sprintf("worker %d, pid %d: %s", l.Worker, l.PID, plural(len(l.Bars), "job"))
}

// resultText is a job's result, or "" when it has none.
func resultText(r json.RawMessage) string { return ValueText(r, cellRunes) }

// cellRunes bounds a value shown in a table cell; the whole value is one click away.
const cellRunes = 60

// zeroDash writes n, or "–" for 0 (a job not yet on a worker).
func zeroDash(n int) string {
	if n == 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

// durationText is a job's duration, "…" while it runs, "–" when it never ran.
func durationText(j JobRow) string {
	switch {
	case j.DurationMS > 0:
		return HumanMS(j.DurationMS)
	case j.State == "running":
		return "…"
	}
	return "–"
}

// plural writes "1 job", "2 jobs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// replacesText names the worker a card's worker took over from: a replacement card
// says which one died, so a class can follow a kill from one card to the next.
func replacesText(w WorkerView) string {
	if w.Replaces == 0 {
		return "–"
	}
	return "worker " + itoa(w.Replaces)
}

// slotTitle gives the slot's restart count: it belongs to the slot, not to this
// worker, which is never restarted itself.
func slotTitle(w WorkerView) string {
	return "slot " + itoa(w.Slot) + ": its workers were replaced " + itoa(w.Restarts) + " times"
}

// liveFigure shows a measurement of a live worker; a dead one has none.
func liveFigure(w WorkerView, s string) string {
	if w.State == "dead" {
		return "–"
	}
	return s
}
