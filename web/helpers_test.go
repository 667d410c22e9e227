package web

import (
	"encoding/json"
	"testing"
)

func TestHelpers(t *testing.T) {
	kinds := []KindOption{{Name: "fib", Doc: "fib doc"}, {Name: "sleep", Doc: "sleep doc"}}
	checks := []struct{ got, want string }{
		{currentJob(nil), "–"},
		{currentJob(&JobRef{Kind: "fib", Input: json.RawMessage("42"), Job: 7}), "fib(42) · job 7"},
		{batchTitle(BatchRow{Kind: "fib", Summary: SummaryView{Total: 4}}), "fib × 4"},
		{kindDoc(kinds, "sleep"), "sleep doc"},
		{kindDoc(kinds, ""), "fib doc"},
		{kindDoc(nil, ""), ""},
		{formInputs(JobFormView{}), DefaultInputs},
		{formInputs(JobFormView{Error: "inputs: empty"}), ""},
		{formInputs(JobFormView{Inputs: "1 2"}), "1 2"},
		{resultText(nil), ""},
		{resultText(json.RawMessage("7")), "7"},
		{zeroDash(0), "–"},
		{zeroDash(3), "3"},
		{durationText(JobRow{DurationMS: 1500}), "1.5 s"},
		{durationText(JobRow{State: "running"}), "…"},
		{durationText(JobRow{State: "queued"}), "–"},
		{plural(1, "job"), "1 job"},
		{plural(0, "job"), "0 jobs"},
		{tickClass(0, 3), "tick tick-first"},
		{tickClass(1, 3), "tick"},
		{tickClass(2, 3), "tick tick-last"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestTimelineEnd(t *testing.T) {
	v := BatchPageView{Now: t0.Add(sec(9)), Batch: BatchRow{CreatedAt: t0}}
	if got := timelineEnd(v); !got.Equal(t0.Add(sec(9))) {
		t.Errorf("running list ends at now, got %v", got)
	}
	v.Batch.FinishedAt = t0.Add(sec(5))
	if got := timelineEnd(v); !got.Equal(t0.Add(sec(5))) {
		t.Errorf("finished list ends at its finish, got %v", got)
	}
	if got := timelineEnd(BatchPageView{Batch: BatchRow{CreatedAt: t0}}); !got.Equal(t0) {
		t.Errorf("no now: got %v", got)
	}
}
