package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// pageJSON is the paged answer as a client decodes it.
type pageJSON struct {
	batchJSON
	JobsOffset     int  `json:"jobs_offset"`
	JobsLimit      int  `json:"jobs_limit"`
	JobsTotal      int  `json:"jobs_total"`
	NextJobsOffset *int `json:"next_jobs_offset"`
}

// TestJobPagesFollowNext: a script that follows next_jobs_offset from the first
// page gets every job once, in order; the list's other answers hold one page.
func TestJobPagesFollowNext(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	var b pageJSON
	a.do(http.MethodPost, "/api/batches?kind=sleep&wait=1ms", "", strings.Repeat("1 ", 1200)).
		want(t, http.StatusCreated, &b)
	if len(b.Jobs) != defaultJobsLimit || b.JobsTotal != 1200 || b.NextJobsOffset == nil || *b.NextJobsOffset != 500 {
		t.Fatalf("POST ?wait=: %d jobs, total %d, next %v; want the first page of 500", len(b.Jobs), b.JobsTotal, b.NextJobsOffset)
	}
	var seen []int64
	next := new(int)
	for next != nil {
		var p pageJSON
		a.get("/api/batches/"+b.ID+"?jobs_limit=700&jobs_offset="+itoaTest(*next)).want(t, http.StatusOK, &p)
		for _, j := range p.Jobs {
			seen = append(seen, j.ID)
		}
		next = p.NextJobsOffset
	}
	if len(seen) != 1200 || seen[0] != 1 || seen[1199] != 1200 {
		t.Fatalf("paging gave %d jobs (%v…); want ids 1..1200", len(seen), seen[:min(3, len(seen))])
	}
	var p pageJSON
	a.get("/api/batches/"+b.ID+"?jobs_offset=5000").want(t, http.StatusOK, &p)
	if p.Jobs == nil || len(p.Jobs) != 0 || p.NextJobsOffset != nil {
		t.Fatalf("past the end: jobs %v, next %v; want [] and null", p.Jobs, p.NextJobsOffset)
	}
	a.json(http.MethodDelete, "/api/batches/"+b.ID+"?jobs_limit=2", "").want(t, http.StatusOK, &p)
	if len(p.Jobs) != 2 || p.Summary.Canceled != 1200 {
		t.Fatalf("DELETE: %d jobs, %d canceled; want a page of 2 and 1200 canceled", len(p.Jobs), p.Summary.Canceled)
	}
}

// TestJobPageParams: paging parameters out of range are a 400 naming them.
func TestJobPageParams(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	for _, q := range []string{"jobs_limit=10001", "jobs_limit=-1", "jobs_offset=x", "jobs_offset=-3"} {
		msg := a.get("/api/batches/1?"+q).wantError(t, http.StatusBadRequest, "invalid_input")
		if name, _, _ := strings.Cut(q, "="); !strings.Contains(msg, name) {
			t.Errorf("?%s: message %q does not name the parameter", q, msg)
		}
	}
}

// TestUIBatchPagePages: the panel's page of a big list shows one page of rows, with
// a link to the next.
func TestUIBatchPagePages(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	var b batchJSON
	a.do(http.MethodPost, "/api/batches?kind=sleep", "", strings.Repeat("1 ", 1200)).want(t, http.StatusCreated, &b)
	r := a.get("/batches/" + b.ID + "?jobs_offset=500")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	body := string(r.body)
	if n := strings.Count(body, "<tr data-job-id="); n != defaultJobsLimit {
		t.Errorf("%d result rows; want %d", n, defaultJobsLimit)
	}
	for _, want := range []string{"jobs 501–1000 of 1200", `href="/batches/` + b.ID + `?jobs_offset=1000"`,
		`href="/batches/` + b.ID + `?jobs_offset=0"`, `data-jobs-offset="500"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func itoaTest(n int) string { return strconv.Itoa(n) }
