package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// TestUIDemoFibRun: the no-JS form runs the fib demo with the typed inputs and
// answers 303 to the list's page.
func TestUIDemoFibRun(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	p := a.page("/demos").want(t, http.StatusOK)
	if got := p.attr("#demo-fib form", "action"); got != "/ui/demos/fib/run" {
		t.Fatalf("fib run form posts to %q", got)
	}
	if got := p.attr("#demo-fib-inputs", "value"); got != "44 42 42 43" {
		t.Fatalf("fib inputs preset %q", got)
	}
	p = a.post("/ui/demos/fib/run", url.Values{"inputs": {"20 18 18 19"}}, a.url+"/demos")
	p.want(t, http.StatusSeeOther)
	id, ok := strings.CutPrefix(p.header.Get("Location"), "/batches/")
	if !ok || id == "" {
		t.Fatalf("Location %q, want a list's page", p.header.Get("Location"))
	}
	if got := a.inputsOf(id); !slices.Equal(got, []int64{20, 18, 18, 19}) {
		t.Fatalf("list %s has inputs %v", id, got)
	}
	page := a.page("/batches/"+id).want(t, http.StatusOK)
	if n := page.doc.Find("#batch-results tr[data-job-id]").Length(); n != 4 {
		t.Fatalf("the list's page shows %d jobs", n)
	}
}

// TestUIDemoErrorsStayOnThePage: a refused run re-renders the Demos page with the
// message in the demo's card and what was typed.
func TestUIDemoErrorsStayOnThePage(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	p := a.post("/ui/demos/fib/run", url.Values{"inputs": {"20 x"}}, "").want(t, http.StatusUnprocessableEntity)
	if got := p.text("#demo-fib-error"); got != `Input 2 "x" is not an integer` {
		t.Errorf("#demo-fib-error = %q", got)
	}
	if got := p.attr("#demo-fib-inputs", "value"); got != "20 x" {
		t.Errorf("typed inputs not kept: %q", got)
	}
	if got := p.text("#demo-restart-error"); got != "" {
		t.Errorf("another card shows an error: %q", got)
	}
	p = a.post("/ui/demos/fib/run", url.Values{"inputs": {"51"}}, "").want(t, http.StatusUnprocessableEntity)
	if got := p.text("#demo-fib-error"); !strings.HasPrefix(got, "Input 1: fib input 51 is out of range") {
		t.Errorf("#demo-fib-error = %q", got)
	}
	p = a.post("/ui/demos/nope/run", url.Values{}, "").want(t, http.StatusNotFound)
	if !strings.HasPrefix(p.text("#message"), `No demo "nope"`) {
		t.Errorf("404 page says %q", p.text("#message"))
	}
	if n := len(a.c.Batches()); n != 0 {
		t.Fatalf("%d lists after refused runs", n)
	}
}

// TestUIDemoRestartRun: the restart demo answers 303 to the panel; a second run
// while it runs is a 409 shown in its card.
func TestUIDemoRestartRun(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	a.s.demos.SetTimings(slowKiller())
	before := workerIDs(a.pool())
	a.post("/ui/demos/restart/run", url.Values{}, a.url+"/demos").seeOther(t, "/")
	waitFor(t, "a worker killed and replaced", func() bool {
		ids := workerIDs(a.pool())
		return len(ids) == 2 && ids[1] > before[1]
	})
	p := a.post("/ui/demos/restart/run", url.Values{}, "").want(t, http.StatusConflict)
	if got := p.text("#demo-restart-error"); !strings.Contains(got, "already running") {
		t.Errorf("#demo-restart-error = %q", got)
	}
	if !strings.Contains(p.text("#demo-restart .hint"), "every 1 min, 2 times") {
		t.Errorf("restart note = %q", p.text("#demo-restart .hint"))
	}
}

// TestUIDemoHTTPRun: the no-JS form starts the http demo and returns to its box,
// which shows the address, the load command and, at each load, the counts.
func TestUIDemoHTTPRun(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	p := a.page("/demos").want(t, http.StatusOK)
	if p.attr("#http-demo", "data-running") != "false" || p.text(`#http-demo [data-field="status"]`) != "Not running." {
		t.Fatalf("before a run: %q", p.text("#http-demo"))
	}
	a.post("/ui/demos/http/run", url.Values{}, a.url+"/demos").seeOther(t, "/demos#demo-http")
	p = a.page("/demos").want(t, http.StatusOK)
	addr := p.attr("#http-demo", "data-addr")
	if p.attr("#http-demo", "data-running") != "true" || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("after the run: running %q, addr %q", p.attr("#http-demo", "data-running"), addr)
	}
	if got := p.text("#http-demo-load"); got != "for i in $(seq 200); do curl -s http://"+addr+"/ >/dev/null; done" {
		t.Fatalf("load command %q", got)
	}
	sendHellos(t, "http://"+addr+"/", 10)
	waitFor(t, "the page to show 10 requests", func() bool {
		p = a.page("/demos").want(t, http.StatusOK)
		return p.text(`#http-demo [data-field="total"]`) == "10"
	})
	var sum int
	p.doc.Find("#http-demo-counts tbody tr[data-worker-id]").Each(func(_ int, s *goquery.Selection) {
		n, _ := strconv.Atoi(strings.TrimSpace(s.Find(".requests").Text()))
		sum += n
	})
	if rows := p.doc.Find("#http-demo-counts tbody tr[data-worker-id]").Length(); rows != 2 || sum != 10 {
		t.Fatalf("%d rows adding up to %d, want 2 rows adding up to 10", rows, sum)
	}
	p = a.post("/ui/demos/http/run", url.Values{}, "").want(t, http.StatusConflict)
	if got := p.text("#demo-http-error"); !strings.Contains(got, "already running at http://"+addr+"/") {
		t.Errorf("#demo-http-error = %q", got)
	}
}

// TestUIDemoHTTPExplainsTheSplit: the http demo's box explains both modes and
// offers them as buttons; after a run in os it opens the explanation and says which
// mode ran, so the class can run it again in rr.
func TestUIDemoHTTPExplainsTheSplit(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	p := a.page("/demos").want(t, http.StatusOK)
	why := p.text("#http-demo-why")
	for _, s := range []string{"accept()", "SCHED_NONE", "SCHED_RR", "round-robin"} {
		if !strings.Contains(why, s) {
			t.Errorf("the explanation lacks %q: %q", s, why)
		}
	}
	var modes []string
	p.doc.Find(`#http-demo-why form[action="/ui/demos/http/run"] button[name=balance]`).Each(func(_ int, s *goquery.Selection) {
		modes = append(modes, s.AttrOr("value", ""))
	})
	if !slices.Equal(modes, []string{"rr", "os"}) || p.doc.Find("#http-demo-why[open]").Length() != 0 {
		t.Fatalf("buttons %v, open %d; want rr and os, closed before a run", modes, p.doc.Find("#http-demo-why[open]").Length())
	}
	a.post("/ui/demos/http/run", url.Values{"balance": {"os"}}, a.url+"/demos").seeOther(t, "/demos#demo-http")
	p = a.page("/demos").want(t, http.StatusOK)
	if p.doc.Find("#http-demo-why[open]").Length() != 1 || !strings.Contains(p.text(`#http-demo-why [data-field=balance]`), "os") {
		t.Errorf("after an os run: open %d, balance %q", p.doc.Find("#http-demo-why[open]").Length(),
			p.text(`#http-demo-why [data-field=balance]`))
	}
	var st demos.HTTPStatus
	a.get("/api/demos/http").want(t, http.StatusOK, &st)
	if st.Balance != cluster.BalanceOS {
		t.Errorf("the button ran %q, want os", st.Balance)
	}
}
