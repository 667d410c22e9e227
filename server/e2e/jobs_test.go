package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
)

// fibInputs are small on purpose: each job takes well under a millisecond.
var fibInputs = []int64{24, 22, 22, 23}

// fib is the test's own answer, to check the pool's.
func fib(n int64) int64 {
	a, b := int64(0), int64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

// row is one line of a list's results table as the page shows it.
type row struct {
	ID     string `json:"id"`
	Input  string `json:"input"`
	State  string `json:"state"`
	Result string `json:"result"`
	Worker string `json:"worker"`
}

// doneRowsJS reads #batch-results as rows once the list is done and all %d rows are.
const doneRowsJS = `(() => {
  const rows = [...document.querySelectorAll('#batch-results tr[data-job-id]')];
  if (document.querySelector('#batch-summary')?.dataset.state !== 'done' || rows.length !== %d ||
      rows.some((r) => r.dataset.state !== 'done')) return null;
  const cell = (r, c) => r.querySelector('.' + c)?.textContent.trim() ?? '';
  return rows.map((r) => ({ id: r.dataset.jobId, input: cell(r, 'input'), state: r.dataset.state,
    result: cell(r, 'result'), worker: cell(r, 'worker') }));
})()`

// TestJobListLive submits a job list through the panel's form and watches it run on
// its page, without a reload: every result arrives with the right value and the
// timeline gets one lane per worker that ran a job and one bar per job. The pool
// starts empty, so the list is still waiting when its page opens; workers are added
// only then, and everything after that reaches the page live.
func TestJobListLive(t *testing.T) {
	e := newEnv(t, -1)
	e.open("/")
	e.waitLive()
	e.markPage()
	id := e.submitJobForm("fib", joinInputs(fibInputs))
	waitJS[bool](e, "the new list in the panel's job lists",
		`document.querySelector('#batches [data-batch-id="`+id+`"]')?.dataset.state === 'running'`,
		`document.querySelector('#batches')?.outerHTML`)
	if !e.samePage() {
		t.Fatal("the panel reloaded after the job form was sent with JavaScript on")
	}

	e.do("follow the link to the list's page", chromedp.Click(chromedp.CSS("#form-status a")),
		chromedp.WaitReady(chromedp.CSS(`#batch-page[data-batch-id="`+id+`"]`)))
	e.watchListRunLive(t, id)
	saveScreenshot(t, e.ctx, "_batch")
	e.panelShot(id)
}

// submitJobForm fills the panel's job form, sends it (with JavaScript: over the
// API) and returns the new list's id from the "started" message.
func (e *env) submitJobForm(kind, inputs string) string {
	e.t.Helper()
	e.do("send the job form",
		chromedp.SetValue(chromedp.CSS("#job-kind"), kind),
		chromedp.SetValue(chromedp.CSS("#job-inputs"), inputs),
		chromedp.Click(chromedp.CSS("#job-form button[type=submit]")))
	href := waitJS[string](e, "the job form's started message",
		`document.querySelector('#form-status a')?.getAttribute('href')`,
		`[document.querySelector('#form-status')?.outerHTML, document.querySelector('#form-error')?.outerHTML]`)
	id, ok := strings.CutPrefix(href, "/batches/")
	if !ok || id == "" {
		e.t.Fatalf("the started message links to %q, not to a list's page", href)
	}
	return id
}

func checkFibRows(t *testing.T, rows []row) {
	t.Helper()
	for i, r := range rows {
		want := fibInputs[i]
		if r.Input != strconv.FormatInt(want, 10) || r.Result != strconv.FormatInt(fib(want), 10) {
			t.Errorf("row %d (job %s) shows fib(%s) = %s, want fib(%d) = %d", i, r.ID, r.Input, r.Result, want, fib(want))
		}
	}
}

// lane is one lane of the timeline: its worker and the jobs of its bars.
type lane struct {
	Worker string   `json:"worker"`
	Bars   []string `json:"bars"`
}

// checkTimeline checks the page's timeline against the pool's own record of the
// list: one lane per worker that ran a job, with a bar for each of its jobs.
func (e *env) checkTimeline(id string) {
	e.t.Helper()
	b, err := e.c.Batch(id)
	if err != nil {
		e.t.Fatalf("batch %s: %v", id, err)
	}
	want := map[string][]string{}
	for _, j := range b.Jobs {
		w := strconv.Itoa(j.Worker)
		want[w] = append(want[w], strconv.FormatInt(j.ID, 10))
	}
	lanes := waitJS[[]lane](e, "a timeline bar for every job",
		`(() => { const bars = document.querySelectorAll('#timeline [data-lane] [data-job-bar]');
		  if (bars.length !== `+strconv.Itoa(len(b.Jobs))+`) return null;
		  return [...document.querySelectorAll('#timeline [data-lane]')].map((l) => ({ worker: l.dataset.lane,
		    bars: [...l.querySelectorAll('[data-job-bar]')].map((b) => b.dataset.jobId) })); })()`,
		`document.querySelector('#timeline')?.outerHTML`)
	if len(lanes) != len(want) {
		e.t.Errorf("the timeline has %d lanes, want %d (one per worker that ran a job): %v", len(lanes), len(want), lanes)
	}
	for _, l := range lanes {
		got, exp := slices.Sorted(slices.Values(l.Bars)), slices.Sorted(slices.Values(want[l.Worker]))
		if !slices.Equal(got, exp) {
			e.t.Errorf("worker %s's lane has bars for jobs %v, want %v", l.Worker, got, exp)
		}
	}
}

// panelShot goes back to the panel, waits until it shows list id finished, and
// saves a screenshot; with GOCLUSTER_UPDATE_SCREENSHOT=1 it also becomes the
// README's docs/panel.png.
func (e *env) panelShot(id string) {
	e.t.Helper()
	e.open("/")
	e.waitLive()
	waitJS[bool](e, "the finished list in the panel",
		`document.querySelector('#batches [data-batch-id="`+id+`"]')?.dataset.state === 'done' &&
		 document.querySelectorAll('#workers [data-worker-id][data-state="idle"]').length === 2 &&
		 document.querySelectorAll('#event-log li').length > 0`,
		`[document.querySelector('#batches')?.outerHTML, document.querySelector('#workers')?.outerHTML]`)
	e.updateDocImage("panel.png", saveScreenshot(e.t, e.ctx, "_panel"))
}

// updateDocImage writes png as docs/name when GOCLUSTER_UPDATE_SCREENSHOT=1: the
// README's pictures come from the browser tests.
func (e *env) updateDocImage(name string, png []byte) {
	e.t.Helper()
	if os.Getenv(envUpdateScreenshot) != "1" || png == nil {
		return
	}
	path := filepath.Join(repoRoot(e.t), "docs", name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		e.t.Fatalf("write %s: %v", path, err)
	}
	e.t.Logf("wrote %s (%d bytes)", path, len(png))
}

// TestJobFormErrorInline sends job forms the server refuses with JavaScript on: its
// own message appears beside the form, in the same words as the no-JavaScript
// form's (without the API's "invalid input: " prefix), and no list is created.
func TestJobFormErrorInline(t *testing.T) {
	e := newEnv(t, 1)
	e.open("/")
	e.waitLive()
	e.markPage()
	for _, tc := range []struct{ inputs, timeout, api string }{
		{"51", "", `{"kind":"fib","inputs":[51]}`},
		{"20 two", "", ""},
		{" ", "", ""},
		{"20", "soon", ""},
	} {
		want := noJSFormError(t, e.srv.URL, url.Values{"kind": {"fib"}, "inputs": {tc.inputs}, "timeout": {tc.timeout}})
		if tc.api != "" {
			if msg := apiError(t, e.srv.URL, tc.api); msg != "invalid input: "+strings.ToLower(want[:1])+want[1:] {
				t.Errorf("inputs %q: the form says %q, the API %q: want the API's words without its prefix", tc.inputs, want, msg)
			}
		}
		// chromedp.SetValue cannot set an empty value; the page's own setter can.
		eval[chromedp.Void](e, fmt.Sprintf(`document.querySelector('#job-kind').value = 'fib';
		  document.querySelector('#job-inputs').value = %s; document.querySelector('#job-timeout').value = %s`,
			strconv.Quote(tc.inputs), strconv.Quote(tc.timeout)))
		e.do("send fib "+tc.inputs, chromedp.Click(chromedp.CSS("#job-form button[type=submit]")))
		waitJS[bool](e, fmt.Sprintf("inputs %q: the form's error %q", tc.inputs, want),
			`document.querySelector('#form-error')?.textContent.trim() === `+strconv.Quote(want),
			`document.querySelector('#form-error')?.textContent.trim()`)
		if eval[string](e, `document.querySelector('#job-inputs').getAttribute('aria-invalid')`) != "true" {
			t.Errorf("inputs %q: #job-inputs is not marked aria-invalid after the error", tc.inputs)
		}
	}
	if n := len(e.c.Batches()); n != 0 || !e.samePage() {
		t.Errorf("after refused forms: %d lists, same page %v; want none and no reload", n, e.samePage())
	}
}

// noJSFormError posts the job form as a browser without JavaScript does and returns
// the message of the 422 page beside the form.
func noJSFormError(t *testing.T, base string, form url.Values) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/ui/batches", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Close = true // no idle connection left for goleak to find
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /ui/batches: %v", err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil || res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST /ui/batches %v: status %d (%v), want 422", form, res.StatusCode, err)
	}
	msg := strings.TrimSpace(doc.Find("#form-error").Text())
	if msg == "" {
		t.Fatalf("POST /ui/batches %v: no message in #form-error", form)
	}
	return msg
}

// apiError posts body to the JSON API and returns the message of its error answer.
func apiError(t *testing.T, base, body string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/batches", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Close = true // no idle connection left for goleak to find
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /api/batches: %v", err)
	}
	defer res.Body.Close()
	var answer struct {
		Error struct{ Message string } `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil || answer.Error.Message == "" {
		t.Fatalf("POST /api/batches %s: status %d, no error message (%v)", body, res.StatusCode, err)
	}
	return answer.Error.Message
}

func joinInputs(in []int64) string {
	s := make([]string, len(in))
	for i, n := range in {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, " ")
}

// watchListRunLive is the second half of the live list tests: on the page of list id,
// whose fibInputs jobs wait queued on a pool of 0, it scales the pool to 2 and sees
// every result arrive and the timeline drawn without a reload.
func (e *env) watchListRunLive(t *testing.T, id string) {
	t.Helper()
	e.waitLive()
	e.markPage()
	waitJS[bool](e, "the list's rows, all queued",
		`[...document.querySelectorAll('#batch-results tr[data-job-id]')].filter((r) => r.dataset.state === 'queued').length === 4`,
		`document.querySelector('#batch-results')?.outerHTML`)

	if err := e.c.Scale(2); err != nil {
		t.Fatalf("scale to 2: %v", err)
	}
	rows := waitJS[[]row](e, "every result on the list's page", fmt.Sprintf(doneRowsJS, len(fibInputs)),
		`document.querySelector('#batch-results')?.outerHTML`)
	checkFibRows(t, rows)
	e.checkTimeline(id)
	if !e.samePage() {
		t.Fatal("the list's page reloaded while its jobs ran")
	}
}
