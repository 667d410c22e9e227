package web

import (
	"encoding/json"
	"testing"
	"time"
)

// batchView is a finished fib list of four jobs on two workers and one failed job.
func batchView() BatchPageView {
	jobs := []JobRow{job(1, 1, 0, 6), job(2, 2, 0, 2.5), job(3, 2, 2.5, 5), job(4, 1, 6, 8)}
	jobs[0].Result, jobs[1].Result = json.RawMessage("701408733"), json.RawMessage("267914296")
	jobs[0].Attempts, jobs[0].DurationMS = 1, 6000
	jobs[3].State, jobs[3].Error, jobs[3].Attempts = "failed", "worker 1 died (SIGKILL)", 2
	return BatchPageView{
		Now: t0.Add(sec(30)),
		Batch: BatchRow{ID: "b7", Kind: "fib", State: "done", CreatedAt: t0, FinishedAt: t0.Add(sec(8)),
			Timeout: "1m0s",
			Summary: SummaryView{Total: 4, Done: 3, Failed: 1, WallMS: 8000, WorkMS: 15500, Parallelism: 1.9375,
				Speedup: ptr(1.5), BaselineMS: ptr(12000.0), Workers: 4, CPUs: 2, MaxJobMS: 6000}},
		Jobs: jobs,
	}
}

func TestBatchSummary(t *testing.T) {
	doc := render(t, BatchPage(LayoutView{}, batchView()))
	if got := attr(t, doc.Find("body"), "data-page"); got != "batch" {
		t.Errorf("data-page = %q", got)
	}
	page := doc.Find("#batch-page")
	if attr(t, page, "data-batch-id") != "b7" || attr(t, page, "data-state") != "done" {
		t.Error("#batch-page lacks its id or state")
	}
	for field, want := range map[string]string{
		"state": "done", "wall": "8.0 s", "work": "15.5 s", "parallelism": "1.94×", "speedup": "1.50×",
		"ideal": "2×", "best": "2.00×", "ran-with": "4 workers · 2 CPUs",
		"total": "4", "done": "3", "failed": "1", "canceled": "0",
	} {
		if got := text(doc.Find(`#batch-summary [data-field="` + field + `"]`)); got != want {
			t.Errorf("summary %s = %q, want %q", field, got, want)
		}
	}
	count(t, doc, "#batch-cancel-form", 0) // done: nothing to cancel
	count(t, doc, "#batch-baseline-form", 1)
	count(t, doc, `[data-field="oversubscribed"]`, 1)
}

func TestBatchSummaryUnmeasured(t *testing.T) {
	v := batchView()
	v.Batch.Summary.Speedup, v.Batch.Summary.Workers = nil, 1
	doc := render(t, BatchPage(LayoutView{}, v))
	if got := text(doc.Find(`#batch-summary [data-field="speedup"]`)); got != "not measured" {
		t.Errorf("speedup = %q", got)
	}
	count(t, doc, "#batch-baseline-form", 0) // it ran on one worker: it is a baseline
	count(t, doc, `[data-field="oversubscribed"]`, 0)
}

func ptr[T any](v T) *T { return &v }

func TestBatchResultsTable(t *testing.T) {
	doc := render(t, BatchPage(LayoutView{}, batchView()))
	count(t, doc, "#batch-results tr[data-job-id]", 4)
	row := doc.Find(`#batch-results tr[data-job-id="2"]`)
	if got := attr(t, row, "data-state"); got != "done" {
		t.Errorf("job 2 data-state = %q", got)
	}
	for cell, want := range map[string]string{
		"job-id": "2", "input": "42", "state": "done", "result": "267914296",
		"worker": "2", "pid": "1002", "duration": "–",
	} {
		if got := text(row.Find("td." + cell)); got != want {
			t.Errorf("job 2 .%s = %q, want %q", cell, got, want)
		}
	}
	failed := doc.Find(`#batch-results tr[data-job-id="4"]`)
	if attr(t, failed, "data-state") != "failed" || text(failed.Find(".error")) != "worker 1 died (SIGKILL)" || text(failed.Find(".result")) != "" {
		t.Error("failed job row wrong")
	}
	if got := text(doc.Find(`tr[data-job-id="1"] .duration`)); got != "6.0 s" {
		t.Errorf("job 1 duration = %q", got)
	}
}

func TestBatchTimeline(t *testing.T) {
	doc := render(t, BatchPage(LayoutView{}, batchView()))
	count(t, doc, "#timeline [data-lane]", 2)
	count(t, doc, "#timeline [data-job-bar]", 4)
	count(t, doc, `#timeline [data-lane="2"] [data-job-bar]`, 2)
	bar := doc.Find(`#timeline [data-lane="2"] [data-job-bar][data-job-id="3"]`)
	if attr(t, bar, "x") != "31.250%" || attr(t, bar, "width") != "31.250%" {
		t.Errorf("job 3 bar at x=%s width=%s, want 31.250%% 31.250%%", attr(t, bar, "x"), attr(t, bar, "width"))
	}
	if attr(t, bar, "data-state") != "done" || text(bar.Find("title")) == "" {
		t.Error("bar lacks state or title")
	}
	if got := attr(t, doc.Find("#timeline"), "data-span-ms"); got != "8000" {
		t.Errorf("span = %q", got)
	}
}

func TestBatchTimelineOneLanePerWorkerOneBarPerStartedJob(t *testing.T) {
	v := batchView()
	v.Batch.State, v.Batch.FinishedAt = "running", time.Time{}
	v.Jobs = append(v.Jobs, JobRow{ID: 5, Input: json.RawMessage("30"), State: "queued"}, job(6, 3, 9, -1))
	doc := render(t, BatchPage(LayoutView{}, v))
	count(t, doc, "#timeline [data-lane]", 3)
	count(t, doc, "#timeline [data-job-bar]", 5)
	count(t, doc, "#batch-results tr[data-job-id]", 6)
	assertPostForm(t, doc, "#batch-cancel-form", "/ui/batches/b7/cancel")
}

func TestBatchReadOnlyHidesCancel(t *testing.T) {
	v := batchView()
	v.Batch.State, v.Batch.FinishedAt = "running", time.Time{}
	doc := render(t, BatchPage(LayoutView{ReadOnly: true}, v))
	count(t, doc, "form", 0)
	count(t, doc, "#readonly-badge", 1)
}

func TestBatchTimelineEmpty(t *testing.T) {
	v := batchView()
	v.Jobs = nil
	doc := render(t, BatchPage(LayoutView{}, v))
	count(t, doc, "#timeline [data-lane]", 0)
	count(t, doc, "#timeline .empty-note", 1)
}
