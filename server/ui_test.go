package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// page is an HTML answer, parsed.
type page struct {
	status int
	header http.Header
	doc    *goquery.Document
	body   string
}

// browse sends a request without following redirects, as a test of the no-JS path
// must see the 303 itself.
func (a *apiServer) browse(req *http.Request) page {
	a.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		a.t.Fatalf("parse %s: %v", req.URL, err)
	}
	return page{status: resp.StatusCode, header: resp.Header, doc: doc, body: string(b)}
}

func (a *apiServer) page(path string) page {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.url+path, nil)
	return a.browse(req)
}

// post submits a form, with referer as the Referer when not empty.
func (a *apiServer) post(path string, form url.Values, referer string) page {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	return a.browse(req)
}

// want checks the status, and for pages the HTML content type.
func (p page) want(t testing.TB, status int) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; body: %.600s", p.status, status, p.body)
	}
	if p.status < 300 || p.status >= 400 {
		if ct := p.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Fatalf("Content-Type %q, want HTML", ct)
		}
	}
	return p
}

// seeOther checks a 303 to location.
func (p page) seeOther(t testing.TB, location string) {
	t.Helper()
	p.want(t, http.StatusSeeOther)
	if got := p.header.Get("Location"); got != location {
		t.Fatalf("Location %q, want %q", got, location)
	}
}

// containsFold reports whether s contains sub, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func (p page) text(sel string) string { return strings.TrimSpace(p.doc.Find(sel).Text()) }

func (p page) attr(sel, name string) string {
	v, _ := p.doc.Find(sel).Attr(name)
	return v
}

func TestUIPanelShowsEveryWorker(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	p := a.page("/").want(t, http.StatusOK)
	var got []int
	p.doc.Find("#workers [data-worker-id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(s.AttrOr("data-worker-id", ""))
		got = append(got, id)
	})
	if want := workerIDs(a.pool()); !slices.Equal(got, want) {
		t.Fatalf("worker cards %v, want %v", got, want)
	}
	if p.attr("body", "data-page") != "panel" || p.text(`#pool [data-stat="size"]`) != "2" {
		t.Fatalf("panel page %q with size %q", p.attr("body", "data-page"), p.text(`#pool [data-stat="size"]`))
	}
	if p.attr("#job-kind option[selected]", "value") != defaultKind {
		t.Fatalf("job form preselects %q, want %q", p.attr("#job-kind option[selected]", "value"), defaultKind)
	}
	for _, sel := range []string{"#scale-form", "#restart-form", "#job-form", `form[data-action="kill"]`} {
		if p.doc.Find(sel).Length() == 0 {
			t.Fatalf("panel lacks %s", sel)
		}
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q, want no-store", p.header.Get("Cache-Control"))
	}
}

func TestUISubmitRedirectsToTheListWithItsResults(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	form := url.Values{"kind": {"fib"}, "inputs": {"20, 21\n22"}, "timeout": {"30s"}}
	p := a.post("/ui/batches", form, "")
	p.want(t, http.StatusSeeOther)
	loc := p.header.Get("Location")
	id := strings.TrimPrefix(loc, "/batches/")
	if id == loc || id == "" {
		t.Fatalf("Location %q, want /batches/{id}", loc)
	}
	waitFor(t, "the list to finish", func() bool {
		return a.page(loc).want(t, http.StatusOK).attr("#batch-page", "data-state") == "done"
	})
	p = a.page(loc)
	var results []string
	p.doc.Find("#batch-results tr[data-job-id] .result").Each(func(_ int, s *goquery.Selection) {
		results = append(results, strings.TrimSpace(s.Text()))
	})
	if want := []string{"6765", "10946", "17711"}; !slices.Equal(results, want) {
		t.Fatalf("results %v, want %v", results, want)
	}
	if n := p.doc.Find("#timeline [data-job-bar]").Length(); n != 3 {
		t.Fatalf("timeline has %d bars, want 3", n)
	}
}

func TestUISubmitRejectsBadInputInline(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	for _, tc := range []struct{ kind, inputs, timeout, want string }{
		{"fib", "20 abc", "", `"abc" is not an integer`},
		{"fib", "99", "", "out of range"},
		{"fib", "   ", "", "no inputs"},
		{"nope", "1", "", "nope"},
		{"sleep", "1", "soon", `timeout "soon"`},
	} {
		form := url.Values{"kind": {tc.kind}, "inputs": {tc.inputs}, "timeout": {tc.timeout}}
		p := a.post("/ui/batches", form, "").want(t, http.StatusUnprocessableEntity)
		if msg := p.text("#form-error"); !containsFold(msg, tc.want) {
			t.Fatalf("%v: inline error %q, want it to mention %q", form, msg, tc.want)
		}
		if got := p.doc.Find("#job-inputs").Text(); got != tc.inputs {
			t.Fatalf("%v: textarea holds %q, want the input kept", form, got)
		}
		if got := p.attr("#job-timeout", "value"); got != tc.timeout {
			t.Fatalf("%v: timeout field %q, want it kept", form, got)
		}
	}
	if len(a.c.Batches()) != 0 {
		t.Fatal("a bad form created a list")
	}
}

func TestUIScaleForm(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{CPUs: 3})
	for _, tc := range []struct {
		form url.Values
		size int
	}{
		{url.Values{"action": {"plus"}, "size": {"7"}}, 1},
		{url.Values{"action": {"plus"}}, 2},
		{url.Values{"action": {"minus"}}, 1},
		{url.Values{"action": {"cpu"}}, 3},
		{url.Values{"action": {"set"}, "size": {" 0 "}}, 0},
		{url.Values{"size": {"1"}}, 1},
	} {
		a.post("/ui/pool/scale", tc.form, "").seeOther(t, "/")
		if got := a.c.Size(); got != tc.size {
			t.Fatalf("after %v the size is %d, want %d", tc.form, got, tc.size)
		}
	}
	for _, tc := range []struct {
		form       url.Values
		want, kept string
	}{
		{url.Values{"action": {"set"}, "size": {"9999"}}, "outside 0..", "9999"},
		{url.Values{"action": {"set"}, "size": {"lots"}}, "not a whole number", "1"},
		{url.Values{"action": {"boom"}}, "unknown scale action", "1"},
	} {
		p := a.post("/ui/pool/scale", tc.form, "").want(t, http.StatusUnprocessableEntity)
		if msg := p.text("#scale-error"); !containsFold(msg, tc.want) {
			t.Fatalf("%v: inline error %q, want %q", tc.form, msg, tc.want)
		}
		if v := p.attr("#scale-size", "value"); v != tc.kept {
			t.Fatalf("%v: size field %q, want %q", tc.form, v, tc.kept)
		}
	}
	a.post("/ui/pool/scale", url.Values{"action": {"set"}, "size": {"0"}}, "").seeOther(t, "/")
	p := a.post("/ui/pool/scale", url.Values{"action": {"minus"}}, "").want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(p.text("#scale-error"), "-1") {
		t.Fatalf("minus at 0: %q", p.text("#scale-error"))
	}
}

func TestUIWorkerKillReplacesTheWorker(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	old := workerIDs(a.pool())
	ref := a.url + "/batches/xyz"
	a.post(fmt.Sprintf("/ui/workers/%d/kill", old[0]), nil, ref).seeOther(t, "/batches/xyz")
	waitFor(t, "a replacement worker", func() bool {
		ids := workerIDs(a.pool())
		return len(ids) == 2 && !slices.Contains(ids, old[0]) && ids[0] == old[1]
	})
	a.post(fmt.Sprintf("/ui/workers/%d/stop", old[1]), nil, "").seeOther(t, "/")
	waitFor(t, "the stopped worker to leave", func() bool { return len(a.pool().Workers) == 1 })
	if a.c.Size() != 1 {
		t.Fatalf("size %d after stop, want 1", a.c.Size())
	}
}

// TestUIWorkerCrashReplacesTheWorker: the panel's crash button makes the worker
// exit with code 1, as a crash (not intentional), and the pool replaces it.
func TestUIWorkerCrashReplacesTheWorker(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	old := workerIDs(a.pool())
	action := fmt.Sprintf("/ui/workers/%d/crash", old[0])
	if a.page("/").attr(`form[action="`+action+`"]`, "data-action") != "crash" {
		t.Fatalf("the panel has no crash button for worker %d", old[0])
	}
	a.post(action, nil, a.url+"/batches/xyz").seeOther(t, "/batches/xyz")
	var exit cluster.Event
	waitFor(t, "the crashed worker's exit event", func() bool {
		evs, _ := a.c.EventsSince(0)
		for _, ev := range evs {
			if ev.Type == "worker.exit" && ev.Worker == old[0] {
				exit = ev
				return true
			}
		}
		return false
	})
	if exit.Code == nil || *exit.Code != 1 || exit.Signal != "" || exit.Intentional == nil || *exit.Intentional ||
		exit.Restarting == nil || !*exit.Restarting {
		b, _ := json.Marshal(exit)
		t.Fatalf("exit event %s: want code 1, not intentional, restarting", b)
	}
	waitFor(t, "a replacement worker", func() bool {
		ids := workerIDs(a.pool())
		return len(ids) == 2 && !slices.Contains(ids, old[0]) && ids[0] == old[1]
	})
}

func TestUIWorkerActionErrors(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	id := workerIDs(a.pool())[0]
	for _, path := range []string{"/ui/workers/999/kill", "/ui/workers/abc/kill", fmt.Sprintf("/ui/workers/%d/explode", id)} {
		p := a.post(path, nil, "").want(t, http.StatusNotFound)
		if p.text("#action-error") == "" {
			t.Fatalf("%s: no #action-error", path)
		}
	}
}

func TestUICancelForm(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	b := submitList(t, a.c, "sleep", 60000, 60000, 60000)
	a.post("/ui/batches/"+b.ID+"/cancel", nil, a.url+"/").seeOther(t, "/")
	if got := waitList(t, a.c, b.ID); got.State != cluster.BatchCanceled {
		t.Fatalf("list %s after cancel", got.State)
	}
	a.post("/ui/batches/nope/cancel", nil, "").want(t, http.StatusNotFound)
}

func TestUIRestartForm(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{})
	old := workerIDs(a.pool())
	a.post("/ui/pool/restart", nil, "").seeOther(t, "/")
	waitFor(t, "every worker to be replaced", func() bool {
		now := workerIDs(a.pool())
		return len(now) == 2 && !slices.Contains(now, old[0]) && !slices.Contains(now, old[1])
	})
}

func TestUIFormBodyIsBounded(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{MaxBody: 1024})
	form := url.Values{"kind": {"sleep"}, "inputs": {strings.Repeat("1 ", 2000)}}
	a.post("/ui/batches", form, "").want(t, http.StatusRequestEntityTooLarge)
}

func TestUIPages(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	p := a.page("/batches/nope").want(t, http.StatusNotFound)
	if !strings.Contains(p.text("#message"), `"nope"`) {
		t.Fatalf("404 page says %q", p.text("#message"))
	}
	p = a.page("/demos").want(t, http.StatusOK)
	if p.attr("body", "data-page") != "demos" || p.doc.Find("#demos [data-demo-id]").Length() != len(demos.Catalog()) {
		t.Fatalf("GET /demos: page %q with %d demos", p.attr("body", "data-page"), p.doc.Find("#demos [data-demo-id]").Length())
	}
	if p.doc.Find(`#demo-fib .go-snippet`).Length() != 1 {
		t.Fatal("the fib demo has no Go snippet")
	}
	a.page("/login").seeOther(t, "/") // no token: nothing to sign in to
}

func TestUILoginPageWithToken(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{Token: "s3cret"})
	p := a.page("/login").want(t, http.StatusOK)
	if p.doc.Find("#login-form input#token").Length() != 1 {
		t.Fatal("login page lacks the token field")
	}
}

func TestUIReadOnlyHidesFormsAndRefusesPosts(t *testing.T) {
	a := newAPIServer(t, cluster.Options{}, Config{ReadOnly: true})
	p := a.page("/").want(t, http.StatusOK)
	if p.doc.Find("form").Length() != 0 || p.doc.Find("#readonly-badge").Length() != 1 {
		t.Fatalf("read-only panel has %d forms and %d badges", p.doc.Find("form").Length(),
			p.doc.Find("#readonly-badge").Length())
	}
	if p.doc.Find("#workers [data-worker-id]").Length() != 2 {
		t.Fatal("read-only panel hides the workers")
	}
	for _, path := range []string{"/ui/pool/scale", "/ui/pool/restart", "/ui/batches", "/ui/workers/1/kill"} {
		a.post(path, url.Values{"size": {"5"}, "kind": {"fib"}, "inputs": {"1"}}, "").want(t, http.StatusForbidden)
	}
	if a.c.Size() != 2 || len(a.c.Batches()) != 0 {
		t.Fatal("a read-only post changed the pool")
	}
}

func TestUIReadOnlyFormGuard(t *testing.T) {
	s := &Server{cfg: Config{ReadOnly: true}.withDefaults()}
	rec := httptest.NewRecorder()
	s.uiForm(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/ui/pool/restart", nil))
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "read-only") {
		t.Fatalf("read-only form guard: %d %s", rec.Code, rec.Body)
	}
}

func TestBackPathStaysOnThisSite(t *testing.T) {
	for _, tc := range []struct{ referer, want string }{
		{"", "/"},
		{"http://example.test/batches/7", "/batches/7"},
		{"http://example.test/batches/a%20b?x=1", "/batches/a%20b"},
		{"http://evil.example/batches/7", "/"},
		{"http://example.test//evil.example/x", "/"},
		{`http://example.test/\evil.example`, "/"},
		{"http://example.test/ui/pool/scale", "/"},
		{"/relative", "/"},
		{"::bad", "/"},
	} {
		r := httptest.NewRequest(http.MethodPost, "http://example.test/ui/pool/scale", nil)
		r.Header.Set("Referer", tc.referer)
		if got := backPath(r); got != tc.want {
			t.Errorf("Referer %q: back to %q, want %q", tc.referer, got, tc.want)
		}
	}
}

func TestUIRestartFormRefusesASecondRestart(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	b := submitList(t, a.c, "sleep", 60000) // the old worker stays busy: the restart waits
	waitFor(t, "the job to start", func() bool { return a.pool().Queue.Running == 1 })
	a.post("/ui/pool/restart", nil, "").seeOther(t, "/")
	p := a.post("/ui/pool/restart", nil, "").want(t, http.StatusConflict)
	if !containsFold(p.text("#action-error"), "already running") {
		t.Fatalf("second restart: %q", p.text("#action-error"))
	}
	a.c.Cancel(b.ID)
}

// TestFormMessage: pages word the API's messages for people, the same way as
// the scripts show, as they read the message from the page the form post answers.
func TestFormMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w: input 1: fib input 51 is out of range", cluster.ErrInvalid), "Input 1: fib input 51 is out of range"},
		{fmt.Errorf("%w: no live worker 9", cluster.ErrNotFound), "No live worker 9"},
		{fmt.Errorf("%w: the restart demo is already running", errConflict), "The restart demo is already running"},
		{fmt.Errorf("%w: too many jobs", cluster.ErrQueueFull), "Queue full: too many jobs"},
		{errors.New("disk on fire"), "Internal error; the server log has the details"},
	} {
		if got := formMessage(tc.err); got != tc.want {
			t.Errorf("formMessage(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
