package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// panelView is a pool of three workers, one busy, and two job lists.
func panelView() PanelView {
	return PanelView{
		Now:  t0,
		Pool: PoolView{Size: 3, Pending: 5, Running: 1, Restarts: 2, JobsDone: 17},
		Workers: []WorkerView{
			{ID: 1, PID: 4101, State: "idle", StartedAt: t0.Add(-90 * time.Second), JobsDone: 9, RSSBytes: 12 << 20, CPUPercent: 1.5},
			{ID: 3, PID: 4121, State: "busy", StartedAt: t0.Add(-5 * time.Second), JobsDone: 8, Restarts: 1, Replaces: 2,
				CurrentJob: &JobRef{Batch: "b2", Job: 7, Kind: "fib", Input: json.RawMessage("42")}},
			{ID: 2, PID: 4111, State: "dead", StartedAt: t0.Add(-9 * time.Second), RSSBytes: 9 << 20, Exit: "SIGKILL (killed)"},
			{ID: 4, PID: 4130, State: "starting"},
		},
		Batches: []BatchRow{
			{ID: "b2", Kind: "fib", State: "running", CreatedAt: t0, Summary: SummaryView{Total: 4, Done: 1, Running: 1, Queued: 2}},
			{ID: "b1", Kind: "sleep", State: "done", CreatedAt: t0.Add(-time.Minute), Summary: SummaryView{Total: 2, Done: 2}},
		},
		Kinds: []KindOption{
			{Name: "fib", Doc: "naive recursive Fibonacci", Min: 0, Max: 50},
			{Name: "sleep", Doc: "sleep n ms", Max: 60000},
		},
		ScaleForm: ScaleFormView{Size: 3, Max: 64, CPUs: 8},
	}
}

func TestPanelWorkerCards(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{Title: "Panel"}, panelView()))
	count(t, doc, "#workers [data-worker-id]", 4)
	card := doc.Find(`#workers [data-worker-id="3"]`)
	if got := attr(t, card, "data-state"); got != "busy" {
		t.Errorf("data-state = %q, want busy", got)
	}
	if got := attr(t, card, "data-pid"); got != "4121" {
		t.Errorf("data-pid = %q", got)
	}
	if !card.HasClass("state-busy") {
		t.Error("busy card lacks class state-busy")
	}
	for field, want := range map[string]string{
		"pid": "4121", "state": "busy", "uptime": "5 s", "job": "fib(42) · job 7",
		"jobs-done": "8", "replaces": "worker 2", "rss": "–", "cpu": "0.0%",
	} {
		if got := text(card.Find(`[data-field="` + field + `"]`)); got != want {
			t.Errorf("worker 3 %s = %q, want %q", field, got, want)
		}
	}
	if got := attr(t, card.Find(`[data-field="uptime"]`), "data-since"); got != "2025-03-14T09:26:48.000Z" {
		t.Errorf("uptime data-since = %q", got)
	}
	if got := text(doc.Find(`[data-worker-id="1"] [data-field="rss"]`)); got != "12.0 MiB" {
		t.Errorf("rss = %q", got)
	}
}

func TestPanelWorkerButtonsArePostForms(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{}, panelView()))
	for _, action := range []string{"stop", "kill", "crash"} {
		sel := `#workers [data-worker-id="3"] form[data-action="` + action + `"]`
		assertPostForm(t, doc, sel, "/ui/workers/3/"+action)
		b := doc.Find(sel + ` button[type="submit"]`)
		if b.Length() != 1 || text(b) == "" {
			t.Errorf("%s: want one submit button with text", sel)
		}
	}
	if got := text(doc.Find(`[data-worker-id="3"] form[data-action="kill"] button`)); !strings.Contains(got, "SIGKILL") {
		t.Errorf("kill button says %q", got)
	}
}

func TestPanelPoolStats(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{}, panelView()))
	for stat, want := range map[string]string{
		"size": "3", "online": "2", "busy": "1", "idle": "1", "starting": "1",
		"queue": "5", "running": "1", "rate": "–", "jobs-done": "17", "restarts": "2",
	} {
		if got := text(doc.Find(`#pool [data-stat="` + stat + `"]`)); got != want {
			t.Errorf("stat %s = %q, want %q", stat, got, want)
		}
	}
	if _, hidden := doc.Find("#degraded-warning").Attr("hidden"); !hidden {
		t.Error("degraded warning shown for a healthy pool")
	}
	v := panelView()
	v.Pool.Degraded, v.Pool.DegradedError = true, "slot 2: exec format error"
	doc = render(t, PanelPage(LayoutView{}, v))
	w := doc.Find("#degraded-warning")
	if _, hidden := w.Attr("hidden"); hidden || !strings.Contains(text(w), "exec format error") {
		t.Errorf("degraded warning: hidden=%v text=%q", hidden, text(w))
	}
}

func TestPanelScaleForm(t *testing.T) {
	v := panelView()
	v.ScaleForm.Error = "size must be between 0 and 64"
	doc := render(t, PanelPage(LayoutView{}, v))
	assertPostForm(t, doc, "#scale-form", "/ui/pool/scale")
	in := doc.Find("#scale-form input#scale-size")
	for name, want := range map[string]string{"name": "size", "type": "number", "value": "3", "min": "0", "max": "64", "aria-invalid": "true"} {
		if got := attr(t, in, name); got != want {
			t.Errorf("scale input %s = %q, want %q", name, got, want)
		}
	}
	count(t, doc, `label[for="scale-size"]`, 1)
	buttons := doc.Find(`#scale-form button[name="action"]`)
	var values []string
	buttons.Each(func(_ int, b *goquery.Selection) { values = append(values, attr(t, b, "value")) })
	if got := strings.Join(values, " "); got != "set minus plus cpu" {
		t.Errorf("scale buttons %q; set must come first so Enter sets the size", got)
	}
	if got := text(doc.Find(`#scale-form button[value="cpu"]`)); !strings.Contains(got, "8") {
		t.Errorf("cpu button says %q", got)
	}
	if got := text(doc.Find("#scale-error")); got != v.ScaleForm.Error {
		t.Errorf("#scale-error = %q", got)
	}
	assertPostForm(t, doc, "#restart-form", "/ui/pool/restart")
}

func TestPanelJobForm(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{}, panelView()))
	assertPostForm(t, doc, "#job-form", "/ui/batches")
	if got := text(doc.Find("#job-form textarea#job-inputs[name=inputs]")); got != "44 42 42 43" {
		t.Errorf("preset inputs = %q", got)
	}
	count(t, doc, "#job-kind[name=kind] option", 2)
	if got := attr(t, doc.Find("#job-kind option[selected]"), "value"); got != "fib" {
		t.Errorf("selected kind = %q", got)
	}
	if got := text(doc.Find(`#job-kind option[value="fib"]`)); got != "fib — naive recursive Fibonacci (0–50)" {
		t.Errorf("fib option = %q", got)
	}
	count(t, doc, "#job-timeout[name=timeout]", 1)
	for _, id := range []string{"job-kind", "job-inputs", "job-timeout"} {
		count(t, doc, `label[for="`+id+`"]`, 1)
	}
	if got := text(doc.Find("#form-error")); got != "" {
		t.Errorf("#form-error = %q on a fresh form", got)
	}
	for _, id := range []string{"#form-error", "#scale-error", "#action-error"} {
		if attr(t, doc.Find(id), "role") != "alert" || attr(t, doc.Find(id), "aria-live") != "assertive" {
			t.Errorf("%s is not an assertive live region", id)
		}
	}
}

// TestPanelJobFormTimeoutHint: an empty timeout means the pool's default, and the
// form says which it is.
func TestPanelJobFormTimeoutHint(t *testing.T) {
	for _, tc := range []struct{ def, placeholder, hint string }{
		{"1m30s", "1m30s", "Empty means the pool's default, 1m30s."},
		{"", "60s", "Empty means the pool's default."},
	} {
		v := panelView()
		v.JobForm.DefaultTimeout = tc.def
		doc := render(t, PanelPage(LayoutView{}, v))
		if got := attr(t, doc.Find("#job-timeout"), "placeholder"); got != tc.placeholder {
			t.Errorf("default %q: placeholder = %q, want %q", tc.def, got, tc.placeholder)
		}
		if got := text(doc.Find("#job-timeout-hint")); !strings.HasSuffix(got, tc.hint) || strings.Contains(got, "no limit") {
			t.Errorf("default %q: hint = %q, want it to end %q", tc.def, got, tc.hint)
		}
	}
}

func TestPanelJobFormShowsInlineError(t *testing.T) {
	v := panelView()
	v.JobForm = JobFormView{Kind: "sleep", Inputs: "1 two 3", Timeout: "5s", Error: `input 2: "two" is not a whole number`}
	doc := render(t, PanelPage(LayoutView{}, v))
	if got := text(doc.Find("#job-form #form-error")); got != v.JobForm.Error {
		t.Errorf("#form-error = %q", got)
	}
	if got := text(doc.Find("#job-inputs")); got != "1 two 3" {
		t.Errorf("typed inputs not kept: %q", got)
	}
	if got := attr(t, doc.Find("#job-inputs"), "aria-invalid"); got != "true" {
		t.Errorf("aria-invalid = %q", got)
	}
	if got := attr(t, doc.Find("#job-kind option[selected]"), "value"); got != "sleep" {
		t.Errorf("selected kind = %q", got)
	}
	if got := attr(t, doc.Find("#job-timeout"), "value"); got != "5s" {
		t.Errorf("timeout = %q", got)
	}
}

func TestPanelBatches(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{}, panelView()))
	rows := count(t, doc, "#batches [data-batch-id]", 2)
	if got := attr(t, rows.First(), "data-batch-id"); got != "b2" {
		t.Errorf("first list = %q, want newest b2", got)
	}
	b2 := doc.Find(`#batches [data-batch-id="b2"]`)
	if got := attr(t, b2.Find("a.batch-link"), "href"); got != "/batches/b2" {
		t.Errorf("link = %q", got)
	}
	if got := attr(t, b2.Find(`rect[data-seg="done"]`), "width"); got != "25.000%" {
		t.Errorf("done segment width = %q", got)
	}
	assertPostForm(t, doc, `#batches [data-batch-id="b2"] form[data-action="cancel"]`, "/ui/batches/b2/cancel")
	if _, hidden := b2.Find(`form[data-action="cancel"]`).Attr("hidden"); hidden {
		t.Error("running list's cancel form is hidden")
	}
	if _, hidden := doc.Find(`[data-batch-id="b1"] form[data-action="cancel"]`).Attr("hidden"); !hidden {
		t.Error("finished list's cancel form is shown")
	}
}

func TestPanelEventLogAndTemplates(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{}, panelView()))
	log := doc.Find("#event-log")
	if attr(t, log, "aria-live") != "polite" || attr(t, log, "role") != "log" {
		t.Error("event log is not a polite live log")
	}
	for _, id := range []string{"log-filter", "log-cat-workers", "log-cat-jobs", "log-cat-pool"} {
		count(t, doc, "#"+id, 1)
	}
	count(t, doc, `label[for="log-filter"]`, 1)
	count(t, doc, "#log-pause", 1)
	v := panelView()
	v.Events = []EventLine{{Seq: 7, Type: "worker.exit", Category: "workers", Time: t0, Text: "worker 2 died (SIGKILL)", Tone: "bad"}}
	doc = render(t, PanelPage(LayoutView{}, v))
	li := doc.Find(`#event-log li[data-seq="7"]`)
	if attr(t, li, "data-category") != "workers" || !li.HasClass("tone-bad") || text(li.Find(".msg")) != "worker 2 died (SIGKILL)" {
		t.Errorf("log line: %s", outer(li))
	}
}

// TestDeadCardLingers: a dead worker's card says how it ended, shows no stale
// figures and offers no buttons.
func TestDeadCardLingers(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{}, panelView()))
	card := doc.Find(`#workers [data-worker-id="2"]`)
	for field, want := range map[string]string{"state": "dead", "exit": "SIGKILL (killed)", "rss": "–", "cpu": "–", "replaces": "–"} {
		if got := text(card.Find(`[data-field="` + field + `"]`)); got != want {
			t.Errorf("dead card %s = %q, want %q", field, got, want)
		}
	}
	if n := card.Find("form").Length(); n != 0 {
		t.Errorf("dead card has %d forms", n)
	}
}

func outer(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}

func TestPanelReadOnlyHidesForms(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{ReadOnly: true}, panelView()))
	if n := doc.Find("form").Length(); n != 0 {
		t.Errorf("read-only panel has %d forms", n)
	}
	if n := doc.Find("main button").Not("#log-pause, #log-clear").Length(); n != 0 {
		t.Errorf("read-only panel has %d action buttons", n)
	}
	count(t, doc, "#readonly-badge", 1)
	if got := attr(t, doc.Find("body"), "data-read-only"); got != "true" {
		t.Errorf("body data-read-only = %q", got)
	}
	// Workers and lists still show.
	count(t, doc, "#workers [data-worker-id]", 4)
	count(t, doc, "#batches [data-batch-id]", 2)
}

func TestPanelActionError(t *testing.T) {
	v := panelView()
	v.ActionError = "worker 9 not found"
	doc := render(t, PanelPage(LayoutView{}, v))
	if got := text(doc.Find("#action-error")); got != v.ActionError {
		t.Errorf("#action-error = %q", got)
	}
}

func TestPanelEscapesText(t *testing.T) {
	v := panelView()
	v.JobForm.Error = `<script>alert(1)</script>`
	v.Kinds[0].Doc = `"><img src=x>`
	doc := render(t, PanelPage(LayoutView{}, v))
	if got := text(doc.Find("#form-error")); got != v.JobForm.Error {
		t.Errorf("error text = %q", got)
	}
	if n := doc.Find("#form-error script, img[src=x]").Length(); n != 0 {
		t.Error("markup in view-model text was not escaped")
	}
}
