package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// Paging of a list's jobs (?jobs_offset=&jobs_limit=). A list may hold 100,000 jobs
// and its whole answer some 17 MB: built per request, a few clients that never read
// held gigabytes. An answer holds one page; GET /api/batches/{id}/jobs.ndjson
// streams them all.
const (
	defaultJobsLimit = 500
	// maxJobsLimit keeps a page small enough that the clients one address may hold
	// (-max-conns-per-ip) cannot, by asking for the largest page and never reading,
	// make the answers they hold weigh much: at 10,000 rows, 64 such clients of
	// the HTML page held ~1 GB (found by review); at 2,000, a fifth of that.
	maxJobsLimit  = 2_000
	maxJobsOffset = 1_000_000_000 // past any list; only keeps the number sane
)

// jobPage is the slice of a list's jobs an answer holds.
type jobPage struct{ offset, limit int }

// parseJobPage reads ?jobs_offset= (default 0) and ?jobs_limit= (default 500, at
// most 2,000; 0 gives the counts only).
func parseJobPage(r *http.Request) (jobPage, error) {
	p := jobPage{limit: defaultJobsLimit}
	var err error
	if v, given := queryValue(r, "jobs_offset"); given {
		p.offset, err = wholeParam("jobs_offset", v, 0, maxJobsOffset)
	}
	if v, given := queryValue(r, "jobs_limit"); given && err == nil {
		p.limit, err = wholeParam("jobs_limit", v, 0, maxJobsLimit)
	}
	return p, err
}

// wholeParam parses a query parameter that must be a whole number in lo..hi.
func wholeParam(name, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s %q must be a whole number from %d to %d", cluster.ErrInvalid, name, clip(v), lo, hi)
	}
	return n, nil
}

// pagedBatch is a list with one page of its jobs: where the page starts, how many
// jobs a page holds, how many there are, and where the next page starts (null
// after the last), so a script can follow next_jobs_offset until it is null.
type pagedBatch struct {
	cluster.BatchInfo
	Jobs           []cluster.JobInfo `json:"jobs"` // shadows BatchInfo's omitempty: an empty page is []
	JobsOffset     int               `json:"jobs_offset"`
	JobsLimit      int               `json:"jobs_limit"`
	JobsTotal      int               `json:"jobs_total"`
	NextJobsOffset *int              `json:"next_jobs_offset"`
}

// pageOf wraps info, fetched with page, in the paged answer.
func pageOf(info cluster.BatchInfo, page jobPage) pagedBatch {
	jobs := info.Jobs
	if jobs == nil {
		jobs = []cluster.JobInfo{}
	}
	info.Jobs = nil
	total := info.Summary.Total
	p := pagedBatch{BatchInfo: info, Jobs: jobs, JobsOffset: page.offset, JobsLimit: page.limit, JobsTotal: total}
	if next := page.offset + len(jobs); len(jobs) > 0 && next < total {
		p.NextJobsOffset = &next
	}
	return p
}

// fetchPage fetches one list with one page of its jobs.
func (s *Server) fetchPage(id string, page jobPage) (pagedBatch, error) {
	info, err := s.c.BatchJobs(id, page.offset, page.limit)
	return pageOf(info, page), err
}

// jobPager is the panel's pager of a list's page: the links keep the page's size and
// the rest of its query.
func jobPager(u *url.URL, page jobPage, total int) web.JobPager {
	p := web.JobPager{Offset: page.offset, Limit: page.limit, Total: total}
	link := func(offset int) string {
		q := u.Query()
		q.Set("jobs_offset", strconv.Itoa(offset))
		if page.limit != defaultJobsLimit {
			q.Set("jobs_limit", strconv.Itoa(page.limit))
		}
		return u.EscapedPath() + "?" + q.Encode()
	}
	if page.offset > 0 && page.limit > 0 {
		p.PrevURL = link(max(page.offset-page.limit, 0))
	}
	if page.limit > 0 && page.offset+page.limit < total {
		p.NextURL = link(page.offset + page.limit)
	}
	return p
}
