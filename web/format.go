package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// StaticPrefix is the URL path under which the server serves package static's FS.
const StaticPrefix = "/static/"

// DefaultInputs is the job-list form's preset: the seed's fib inputs.
const DefaultInputs = "44 42 42 43"

// HumanMS writes a duration given in milliseconds for people: "850 ms", "1.2 s",
// "3 min 4 s", "2 h 5 min".
func HumanMS(ms float64) string {
	if ms < 0 || math.IsNaN(ms) {
		ms = 0
	}
	// Short jobs (fib 22 takes a tenth of a millisecond) keep a decimal, so a list
	// of them does not read as taking no time at all.
	switch {
	case ms == 0:
		return "0 ms"
	case ms < 0.05:
		return "< 0.1 ms"
	case ms < 9.95:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%d ms", int64(math.Round(ms)))
	case ms < 60_000:
		return fmt.Sprintf("%.1f s", ms/1000)
	}
	s := int64(ms / 1000)
	if s < 3600 {
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	}
	return fmt.Sprintf("%d h %d min", s/3600, s%3600/60)
}

// Uptime writes how long ago since was, in whole seconds, as it ticks on a card:
// "45 s", "3 min 4 s", "2 h 5 min", "3 d 4 h". A zero since gives "–".
func Uptime(since, now time.Time) string {
	if since.IsZero() {
		return "–"
	}
	s := max(int64(now.Sub(since)/time.Second), 0)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%d h %d min", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%d d %d h", s/86400, s%86400/3600)
}

// HumanBytes writes a byte count in binary units: "512 B", "12.3 MiB". Zero or less
// gives "–", as the server reports 0 when it could not measure.
func HumanBytes(n int64) string {
	if n <= 0 {
		return "–"
	}
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	v := float64(n) / 1024
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// Percent writes a CPU share such as "12.5%".
func Percent(p float64) string {
	return fmt.Sprintf("%.1f%%", p)
}

// Speedup writes the ratio of summed job time to wall time, "3.80×", or "–" when there
// is none yet.
func Speedup(x float64) string {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", x)
}

// knownStates lists every worker, job and batch state the stylesheet colours.
var knownStates = map[string]bool{
	"starting": true, "idle": true, "busy": true, "stopping": true, "dead": true,
	"queued": true, "running": true, "done": true, "failed": true, "canceled": true,
}

// StateClass names the CSS class that colours a state: "state-busy". Unknown states
// get "state-unknown", so a new state never injects an arbitrary class.
func StateClass(state string) string {
	if knownStates[state] {
		return "state-" + state
	}
	return "state-unknown"
}

// JobLabel names a job the way the log does: "fib(42)".
func JobLabel(kind string, input json.RawMessage) string {
	return kind + "(" + ValueText(input, labelRunes) + ")"
}

// labelRunes bounds an input written inside a label such as "wordcount(...)".
const labelRunes = 40

// ValueText writes a JSON value for people: as it is (compact JSON) when it has at
// most max runes, else its first max-1 runes and "…". An absent value is "".
func ValueText(v json.RawMessage, max int) string {
	s := string(v)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Stamp writes t for a data- or datetime attribute (RFC 3339, milliseconds), or ""
// for the zero time.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// Clock writes the time of day of t, "15:04:05", or "" for the zero time.
func Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("15:04:05")
}

// BatchURL is the page of one job list.
func BatchURL(id string) string {
	return "/batches/" + url.PathEscape(id)
}

// BatchCancelURL is the no-JS form action that cancels a job list.
func BatchCancelURL(id string) string {
	return "/ui/batches/" + url.PathEscape(id) + "/cancel"
}

// WorkerActionURL is the no-JS form action for one worker: action is stop, kill or
// crash.
func WorkerActionURL(id int, action string) string {
	return "/ui/workers/" + strconv.Itoa(id) + "/" + action
}

// KindLabel is the text of a kind's option: "fib — naive Fibonacci (0–50)".
func KindLabel(k KindOption) string {
	var b strings.Builder
	b.WriteString(k.Name)
	if k.Doc != "" {
		b.WriteString(" — " + k.Doc)
	}
	if k.Min != 0 || k.Max != 0 {
		fmt.Fprintf(&b, " (%d–%d)", k.Min, k.Max)
	}
	return b.String()
}

// exampleInput is a kind's example as it is typed in the inputs field: the number
// for a numeric kind, a JSON array of it for the others.
func exampleInput(k KindOption) string {
	if k.Numeric {
		return string(k.Example)
	}
	return "[" + string(k.Example) + "]"
}

// maxShownBytes bounds the whole value a page shows in a cell's <details>: a page
// of 500 jobs with 64 KiB values would weigh 64 MB; past it the API has the value.
const maxShownBytes = 4 << 10

// longValue says whether v is cut in a cell.
func longValue(v json.RawMessage) bool { return utf8.RuneCount(v) > cellRunes }

// fullValue is v indented for reading, or its first maxShownBytes and a note.
func fullValue(v json.RawMessage) string {
	if len(v) > maxShownBytes {
		cut := maxShownBytes
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		return string(v[:cut]) + fmt.Sprintf("… (%d bytes in all: GET /api/batches/{id} has the whole value)", len(v))
	}
	var b bytes.Buffer
	if json.Indent(&b, v, "", "  ") != nil {
		return string(v)
	}
	return b.String()
}

// TimeoutLabel writes a list's timeout, or "none" when it has none.
func TimeoutLabel(t string) string {
	if t == "" || t == "0s" {
		return "none"
	}
	if d, err := time.ParseDuration(t); err == nil {
		return ShortDuration(d)
	}
	return t
}

// balanceWords says who picks the worker of a connection in each balance mode.
func balanceWords(balance string) string {
	switch balance {
	case "rr":
		return "the primary hands each connection to the next worker in turn (Node's SCHED_RR)"
	case "os":
		return "the kernel gives each connection to whichever worker it wakes in accept() (Node's SCHED_NONE)"
	case "sticky":
		return "the primary sends each client IP to the same worker"
	}
	return "a mode this page does not know"
}

// HTTPDemoStatusText is the first line of the http demo's box: "Serving
// http://127.0.0.1:41234/ · 42 s left", "Ended: it served http://127.0.0.1:41234/."
// or "Not running.".
func HTTPDemoStatusText(h HTTPDemoView) string {
	switch {
	case h.Running:
		return fmt.Sprintf("Serving http://%s/ · %d s left", h.Addr, h.SecondsLeft)
	case h.Addr != "":
		return "Ended: it served http://" + h.Addr + "/."
	}
	return "Not running."
}

// itoa and friends keep the templates short.
func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func utoa(n uint64) string { return strconv.FormatUint(n, 10) }

func boolAttr(b bool) string { return strconv.FormatBool(b) }

// pct writes a percentage for an SVG x or width attribute: "12.345%".
func pct(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) + "%" }

func floatAttr(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func pageTitle(t string) string {
	if t == "" {
		return "gocluster"
	}
	return t + " · gocluster"
}

func asset(path string) string { return StaticPrefix + path }

// ShortDuration writes d as a Go duration people would type: "1m" rather than
// time.Duration's "1m0s", "1h30m" rather than "1h30m0s". It parses back to d.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Rate writes jobs per second: "12.3", "340", or "–" when none finished lately.
func Rate(r float64) string {
	switch {
	case r <= 0 || math.IsNaN(r):
		return "–"
	case r >= 100:
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}
