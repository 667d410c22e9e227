package web

import (
	"strings"
	"testing"
)

// TestPanelOfPlainProgramsHasNoJobForm: a pool of plain programs shows why it takes
// no job lists where the form would be, and no form that could only fail.
func TestPanelOfPlainProgramsHasNoJobForm(t *testing.T) {
	v := panelView()
	v.JobForm.NoJobs = "This pool runs plain programs (-protocol none): no jobs."
	doc := render(t, PanelPage(LayoutView{Title: "Panel"}, v))
	count(t, doc, "#job-form", 0)
	if got := doc.Find("#no-jobs").Text(); !strings.Contains(got, "(-protocol none): no jobs") {
		t.Fatalf("#no-jobs = %q", got)
	}
	count(t, render(t, PanelPage(LayoutView{Title: "Panel"}, panelView())), "#job-form", 1)
}
