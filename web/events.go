package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// EventLogCap is how many lines the panel's log shows.
const EventLogCap = 100

// EventLine is one line of the event log: an event in words a learner understands,
// e.g. "worker 3 (pid 4121) died (SIGKILL), restarting...".
type EventLine struct {
	Seq      uint64
	Type     string
	Category string // workers, jobs or pool: the log's filter groups
	Time     time.Time
	Text     string
	// Tone colours the line: "bad" for a crash or a failure, "cancel" for work the
	// pool stopped on purpose, "" otherwise.
	Tone string
}

// EventLines turns events into log lines, oldest first.
// worker.log events are left out: output has its own page (LogsPage).
func EventLines(evs []cluster.Event) []EventLine {
	out := make([]EventLine, 0, len(evs))
	for _, ev := range evs {
		if ev.Type == cluster.EventLog {
			continue
		}
		out = append(out, EventLine{Seq: ev.Seq, Type: ev.Type, Category: eventCategory(ev.Type), Time: ev.Time,
			Text: DescribeEvent(ev), Tone: eventTone(ev)})
	}
	return out
}

func eventCategory(typ string) string {
	switch {
	case strings.HasPrefix(typ, "worker."):
		return "workers"
	case strings.HasPrefix(typ, "pool.") || strings.HasPrefix(typ, "host."):
		return "pool"
	}
	return "jobs"
}

func eventTone(ev cluster.Event) string {
	switch {
	case ev.Type == cluster.EventExit && ev.Reason == cluster.ReasonCanceled:
		return "cancel"
	case ev.Type == cluster.EventExit && (ev.Intentional == nil || !*ev.Intentional) && ev.Reason != cluster.ReasonKilled,
		ev.Type == cluster.EventJobFailed, ev.Type == cluster.EventDegraded, ev.Type == cluster.EventError:
		return "bad"
	}
	return ""
}

// DescribeEvent writes one event as a sentence.
func DescribeEvent(ev cluster.Event) string {
	w := "worker " + itoa(ev.Worker)
	switch ev.Type {
	case cluster.EventFork:
		return "[primary] fork " + w + forkNote(ev)
	case cluster.EventExit:
		return exitText(ev, w, workerPID(ev))
	case cluster.EventJobStarted, cluster.EventJobDone, cluster.EventJobFailed:
		return jobText(ev, w)
	}
	if s, ok := workerText(ev, workerPID(ev)); ok {
		return s
	}
	return poolText(ev)
}

func workerPID(ev cluster.Event) string {
	w := "worker " + itoa(ev.Worker)
	if ev.PID != 0 {
		return w + " (pid " + itoa(ev.PID) + ")"
	}
	return w
}

// forkNote counts the slot's restarts, as the Node lesson's log does, and names the
// worker the new one replaces.
func forkNote(ev cluster.Event) string {
	switch {
	case ev.Replaces != 0 && ev.Restarts > 0:
		return " (restart #" + itoa(ev.Restarts) + ", replaces worker " + itoa(ev.Replaces) + ")"
	case ev.Replaces != 0:
		return " (replaces worker " + itoa(ev.Replaces) + ")"
	}
	return ""
}

func workerText(ev cluster.Event, wp string) (string, bool) {
	switch ev.Type {
	case cluster.EventOnline:
		return wp + " online", true
	case cluster.EventListening:
		return wp + " listening on " + or(ev.Addr, "?"), true
	case cluster.EventMessage:
		return wp + " says " + messageText(ev.Message), true
	case cluster.EventDisconnect:
		return wp + " disconnected", true
	case cluster.EventError:
		return wp + " error: " + or(ev.Error, "unknown"), true
	}
	return "", false
}

func poolText(ev cluster.Event) string {
	s := ev.Summary
	if s == nil {
		s = &cluster.BatchSummary{}
	}
	switch ev.Type {
	case cluster.EventScale:
		if ev.Size != nil && ev.Host != "" {
			return "[primary] host " + ev.Host + " size set to " + itoa(*ev.Size)
		}
		if ev.Size != nil {
			return "[primary] pool size set to " + itoa(*ev.Size)
		}
	case cluster.EventDegraded:
		return "[primary] pool degraded" + slotNote(ev.Slot) + ": " + or(ev.Error, "a worker keeps failing")
	case cluster.EventRecovered:
		return "[primary] slot " + itoa(ev.Slot) + " recovered: worker " + itoa(ev.Worker) + " stayed up"
	case cluster.EventRestart:
		return "[primary] rolling restart " + or(ev.State, "ended") + errNote(ev.Error)
	case cluster.EventBatchCreated:
		return "[primary] new job list " + ev.Batch + ": " + itoa(s.Total) + " × " + or(ev.Kind, "job")
	case cluster.EventBatchProgress:
		return "job list " + ev.Batch + ": " + itoa(s.Done) + "/" + itoa(s.Total) + " done, " + itoa(s.Failed) + " failed"
	case cluster.EventBatchDone:
		return "job list " + ev.Batch + " " + or(ev.State, "done") + " in " + HumanMS(s.WallMS) + ": " +
			itoa(s.Done) + " done, " + itoa(s.Failed) + " failed, " + itoa(s.Canceled) + " canceled (speedup " +
			MeasuredSpeedup(*s) + ")"
	}
	return ev.Type
}

func jobText(ev cluster.Event, w string) string {
	label := "job " + strconv.FormatInt(ev.Job, 10) + " " + inputLabel(ev)
	switch ev.Type {
	case cluster.EventJobStarted:
		s := label + " started on " + workerPID(ev)
		if ev.Attempts > 1 {
			s += " (attempt " + itoa(ev.Attempts) + ")"
		}
		return s
	case cluster.EventJobDone:
		res := " done"
		if ev.Result != nil {
			res = " = " + ValueText(ev.Result, labelRunes)
		}
		return label + res + " on " + w + " in " + logMS(ev.DurationMS) + " ms"
	}
	s := label + " failed"
	if ev.Worker != 0 {
		s += " on " + w
	}
	return s + ": " + or(ev.Error, "unknown error")
}

func inputLabel(ev cluster.Event) string {
	if ev.Input == nil {
		return or(ev.Kind, "job")
	}
	return JobLabel(or(ev.Kind, "job"), ev.Input)
}

// exitText says how a worker ended; a cancel or timeout says so instead of reading
// as a crash.
func exitText(ev cluster.Event, w, wp string) string {
	how := ev.Signal
	if how == "" && ev.Code != nil {
		how = "code " + itoa(*ev.Code)
	}
	then := ""
	if ev.Restarting != nil && *ev.Restarting {
		then = ", restarting..."
	}
	switch {
	case ev.Reason == cluster.ReasonCanceled:
		return wp + " stopped (" + how + ") to cancel its job" + replacedNote(then)
	case ev.Reason == cluster.ReasonTimeout:
		return wp + " stopped (" + how + "): its job timed out" + replacedNote(then)
	case ev.Reason == cluster.ReasonMemory:
		return wp + " exited (" + how + ") after disconnect: " + or(ev.Detail, "over the memory limit")
	case ev.Intentional != nil && *ev.Intentional:
		return w + " exited (" + how + ") after disconnect" + then
	}
	return wp + " died (" + how + ")" + then + detailNote(ev.Detail)
}

// detailNote adds the pool's words on an exit, e.g. why the restart policy did not
// restart it.
func detailNote(detail string) string {
	if detail == "" {
		return ""
	}
	return ": " + detail
}

func replacedNote(then string) string {
	if then == "" {
		return ""
	}
	return ", replacing it..."
}

func slotNote(slot int) string {
	if slot == 0 {
		return ""
	}
	return " (slot " + itoa(slot) + ")"
}

func errNote(e string) string {
	if e == "" {
		return ""
	}
	return ": " + e
}

func messageText(m json.RawMessage) string {
	if len(m) == 0 {
		return "nothing"
	}
	var s string
	t := string(m)
	if json.Unmarshal(m, &s) == nil {
		t = s
	}
	if r := []rune(t); len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return t
}

// logMS writes a job's time as the Node lesson's log does, whole milliseconds, but
// keeps a decimal under 10 ms so quick jobs do not read as taking none.
func logMS(ms float64) string {
	if ms <= 0 {
		return "0"
	}
	if ms < 9.95 {
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
	return strconv.FormatFloat(ms, 'f', 0, 64)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
