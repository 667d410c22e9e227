package web

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestLessonBarsAreLabelled: the lesson's list, fib 44 42 42 43 on 2 workers, with
// one attempt killed, draws every bar with its job written on it, fib(44) and the
// killed one "✕ SIGKILL", on the list's page and in the lecture view's lanes alike
// (both draw Timeline).
func TestLessonBarsAreLabelled(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	jobs := []JobRow{
		{ID: 1, Input: json.RawMessage("44"), State: "done", Worker: 1, PID: 11, StartedAt: at(10), FinishedAt: at(5200)},
		{ID: 2, Input: json.RawMessage("42"), State: "done", Worker: 3, PID: 13, StartedAt: at(2100), FinishedAt: at(4100)},
		{ID: 3, Input: json.RawMessage("42"), State: "done", Worker: 3, PID: 13, StartedAt: at(4110), FinishedAt: at(6100)},
		{ID: 4, Input: json.RawMessage("43"), State: "running", Worker: 1, PID: 11, StartedAt: at(5210)},
	}
	lost := LostAttempt{Job: 2, Input: json.RawMessage("42"), Worker: 2, PID: 12, Start: at(12), End: at(2000), Signal: "SIGKILL"}
	tl := BuildTimeline("fib", t0, at(7000), jobs, lost)
	want := []string{"fib(42)", "fib(42)", "fib(42) ✕ SIGKILL", "fib(43)", "fib(44)"}
	for name, doc := range map[string]*goquery.Document{
		"list page": render(t, Timeline(tl)),
		"lecture":   render(t, PresentLanes(PresentView{Batch: &BatchRow{ID: "b1"}, Timeline: tl})),
	} {
		var texts []string
		doc.Find("[data-lane] .bar-text").Each(func(_ int, s *goquery.Selection) { texts = append(texts, s.Text()) })
		slices.Sort(texts)
		if bars := doc.Find("[data-lane] rect.bar").Length(); bars != len(want) || !slices.Equal(texts, want) {
			t.Errorf("%s: %d bars labelled %q, want %q", name, bars, texts, want)
		}
	}
}

// TestAJobQueuedAgainHasOnlyItsLostBar: a job whose worker was killed is queued
// again with that attempt's worker and start still on it; the timeline draws the
// lost attempt in red and no bar of its own over it (one did, grey, over the red).
func TestAJobQueuedAgainHasOnlyItsLostBar(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	jobs := []JobRow{{ID: 1, Input: json.RawMessage("44"), State: "queued", Worker: 1, PID: 11, StartedAt: at(10)}}
	lost := LostAttempt{Job: 1, Input: json.RawMessage("44"), Worker: 1, PID: 11, Start: at(10), End: at(900), Signal: "SIGKILL"}
	doc := render(t, Timeline(BuildTimeline("fib", t0, at(1000), jobs, lost)))
	if bars := doc.Find("[data-lane] rect.bar").Length(); bars != 1 {
		t.Fatalf("%d bars for one lost attempt of a queued job, want 1", bars)
	}
	if s := doc.Find("[data-lane] rect.bar").AttrOr("data-state", ""); s != "killed" {
		t.Fatalf("its bar is %q, want killed", s)
	}
}
