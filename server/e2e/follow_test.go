package e2e

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gocluster/gocluster/cluster"
)

// TestEventLogFollows opens the panel with a full log: it shows the newest lines
// without scrolling, and a new event appears in view. Once the reader scrolls up,
// new events no longer pull the log down.
func TestEventLogFollows(t *testing.T) {
	e := newEnv(t, -1)
	for range 120 {
		if err := e.c.Scale(0); err != nil { // a pool.scale event each
			t.Fatal(err)
		}
	}
	e.open("/")
	e.waitLive()
	atBottom := `(() => { const l = document.querySelector('#event-log');
	  return l.scrollHeight > l.clientHeight && l.scrollTop + l.clientHeight >= l.scrollHeight - 2; })()`
	waitJS[bool](e, "the log scrolled to its newest line", atBottom, `document.querySelector('#event-log').scrollTop`)
	if err := e.c.Scale(0); err != nil {
		t.Fatal(err)
	}
	seq := strconv.FormatUint(e.c.LastSeq(), 10)
	inView := `(() => { const l = document.querySelector('#event-log'), li = l.querySelector('li[data-seq="` + seq + `"]');
	  if (!li) return false; const a = l.getBoundingClientRect(), b = li.getBoundingClientRect();
	  return b.top >= a.top && b.bottom <= a.bottom + 1; })()`
	waitJS[bool](e, "event "+seq+" in view without scrolling", inView,
		`[...document.querySelectorAll('#event-log li')].slice(-3).map((li) => li.dataset.seq)`)

	e.do("scroll the log up", chromedp.Evaluate[chromedp.Void](`document.querySelector('#event-log').scrollTop = 0`))
	if err := e.c.Scale(0); err != nil {
		t.Fatal(err)
	}
	next := strconv.FormatUint(e.c.LastSeq(), 10)
	waitJS[bool](e, "event "+next+" in the log", `!!document.querySelector('#event-log li[data-seq="`+next+`"]')`, "")
	if top := eval[float64](e, `document.querySelector('#event-log').scrollTop`); top != 0 {
		t.Errorf("the log scrolled to %v while the reader was reading above", top)
	}
}

// TestSpeedupAfterOneWorkerRun presses "Run this list on 1 worker" on a finished
// list's page: once the one-worker run ended, the page shows the speedup, and it is
// the baseline's wall time over the list's, to the two decimals shown.
func TestSpeedupAfterOneWorkerRun(t *testing.T) {
	e := newEnv(t, 2)
	b, err := e.c.Submit("fib", []int64{32, 32, 32, 32}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.open("/batches/" + b.ID)
	e.waitLive()
	waitJS[bool](e, "the list done", `document.querySelector('#batch-summary')?.dataset.state === 'done'`,
		`document.querySelector('#batch-summary')?.outerHTML`)
	if got := eval[string](e, `document.querySelector('#batch-summary [data-field="speedup"]').textContent`); got != "not measured" {
		t.Errorf("speedup before a baseline: %q", got)
	}
	e.markPage()
	e.do("run the list on 1 worker", chromedp.Click(chromedp.CSS(`#batch-baseline-form button`)))
	shown := waitJS[string](e, "the measured speedup",
		`(() => { const s = document.querySelector('#batch-summary [data-field="speedup"]')?.textContent;
		  return s && s.endsWith('×') ? s : null; })()`,
		`document.querySelector('#batch-summary')?.outerHTML`)
	info, err := e.c.Batch(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := info.Summary
	if s.BaselineMS == nil {
		t.Fatalf("no baseline in %+v", s)
	}
	// Within rounding: the figure is kept to 3 decimals (up to 0.0005 off) and shown
	// to 2 (up to 0.005 more): 0.64470 kept as 0.645 is shown as 0.65.
	got, err := strconv.ParseFloat(strings.TrimSuffix(shown, "×"), 64)
	if want := *s.BaselineMS / s.WallMS; err != nil || math.Abs(got-want) > 0.0056 {
		t.Errorf("speedup shown %s, baseline %.1f ms ÷ wall %.1f ms = %.4f", shown, *s.BaselineMS, s.WallMS, want)
	}
	if !e.samePage() {
		t.Error("the page reloaded")
	}
	t.Logf("speedup %s: 1 worker %.0f ms, 2 workers %.0f ms", shown, *s.BaselineMS, s.WallMS)
}
