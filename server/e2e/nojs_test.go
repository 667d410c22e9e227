package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/gocluster/gocluster/cluster"
)

// The no-JavaScript path: the browser runs no page script at all, so each form is
// a plain POST, the server answers 303 (or 422 with the error inline), and the page
// shows news only when it is reloaded. The test reads the page through DevTools,
// which still evaluates expressions while page scripts are off.

// newEnvNoJS is newEnv with the page's scripts turned off, and checks that they are
// off: boot.js would have marked <html> with class "js".
func newEnvNoJS(t *testing.T, workers int) *env {
	t.Helper()
	e := newEnv(t, workers)
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
	e.open("/")
	if eval[bool](e, `document.documentElement.classList.contains('js')`) {
		t.Fatal("page scripts still run: <html> has class js")
	}
	return e
}

// post sends a form by clicking its button and waits for the page it leads to; it
// returns that page's status and path.
func (e *env) post(what, button string) (int, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
	loc := eval[string](e, `location.pathname`)
	return int(res.Status), loc
}

// reloadUntil reloads the page until the JavaScript expression cond is true.
// Without page scripts nothing changes by itself, so each look is a fresh page.
func (e *env) reloadUntil(what, cond, dump string) {
	e.t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(waitTimeout)
	for !eval[bool](e, cond) {
		select {
		case <-deadline:
			e.t.Fatalf("reloading until %s: timed out\nstate: %s", what, e.dump(dump))
		case <-tick.C:
		}
		e.do("reload", chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("body[data-page]")))
	}
}

// TestNoJSJobForm sends the job form without JavaScript: the server answers 303 to
// the new list's page, which after reloads shows every result.
func TestNoJSJobForm(t *testing.T) {
	e := newEnvNoJS(t, 2)
	e.do("fill the job form",
		chromedp.SetValue(chromedp.CSS("#job-kind"), "fib"),
		chromedp.SetValue(chromedp.CSS("#job-inputs"), joinInputs(fibInputs)))
	status, path := e.post("send the job form", "#job-form button[type=submit]")
	id, ok := strings.CutPrefix(path, "/batches/")
	if status != http.StatusOK || !ok {
		t.Fatalf("the job form led to %s (status %d), want a list's page", path, status)
	}
	if _, err := e.c.Batch(id); err != nil {
		t.Fatalf("the page names list %q, which the pool does not know: %v", id, err)
	}
	e.reloadUntil("the list is done", fmt.Sprintf(doneRowsJS+" !== null", len(fibInputs)),
		`document.querySelector('#batch-page')?.outerHTML`)
	checkFibRows(t, eval[[]row](e, fmt.Sprintf(doneRowsJS, len(fibInputs))))
	e.checkTimeline(id)
}

// TestNoJSScaleForm sets the pool size to 3 without JavaScript: the server answers
// 303 back to the panel, which after reloads shows 3 idle workers and size 3.
func TestNoJSScaleForm(t *testing.T) {
	e := newEnvNoJS(t, 2)
	e.do("fill the scale form", chromedp.SetValue(chromedp.CSS("#scale-size"), "3"))
	status, path := e.post("send the scale form", `#scale-form button[name=action][value=set]`)
	if status != http.StatusOK || path != "/" {
		t.Fatalf("the scale form led to %s (status %d), want back to the panel", path, status)
	}
	if got := e.c.Size(); got != 3 {
		t.Fatalf("pool size %d after the scale form, want 3", got)
	}
	e.reloadUntil("3 idle workers", fmt.Sprintf(idleCardsJS+" !== null", 3), cardsJS)
	got := eval[[]string](e, `[document.querySelector('#scale-size').value,
		document.querySelector('#pool [data-stat="size"]').textContent.trim()]`)
	if got[0] != "3" || got[1] != "3" {
		t.Errorf("after scaling, the size field says %q and the size figure %q; want 3 and 3", got[0], got[1])
	}
}

// TestNoJSValidation sends inputs that are not numbers without JavaScript: the
// server answers 422 with the panel, the message beside the form and what was
// typed kept, and starts no list.
func TestNoJSValidation(t *testing.T) {
	e := newEnvNoJS(t, 1)
	e.do("fill the job form", chromedp.SetValue(chromedp.CSS("#job-inputs"), "4x2"))
	status, path := e.post("send the job form", "#job-form button[type=submit]")
	if status != http.StatusUnprocessableEntity {
		t.Errorf("the refused form answered %d at %s, want 422", status, path)
	}
	got := eval[[]string](e, `[document.querySelector('#form-error')?.textContent.trim() ?? '',
		document.querySelector('#job-inputs')?.value ?? '', document.querySelector('#job-inputs')?.getAttribute('aria-invalid') ?? '']`)
	if !strings.Contains(got[0], "4x2") {
		t.Errorf("#form-error says %q, want a message naming the bad input 4x2", got[0])
	}
	if got[1] != "4x2" || got[2] != "true" {
		t.Errorf("#job-inputs holds %q (aria-invalid %q), want the typed 4x2 kept and marked invalid", got[1], got[2])
	}
	if n := len(e.c.Batches()); n != 0 {
		t.Errorf("%d lists after a refused form, want none", n)
	}
}

// TestNoJSLivePages: without JavaScript a running list's page reloads itself until
// the list is done (no reload by the test), and the panel shows the recent events.
func TestNoJSLivePages(t *testing.T) {
	e := newEnvNoJS(t, 1)
	b, err := e.c.Submit("sleep", []int64{1500, 1500}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.open("/batches/" + b.ID)
	if got := eval[string](e, `document.querySelector('#batch-summary')?.dataset.state`); got != "running" {
		t.Fatalf("the list's page shows it %q", got)
	}
	e.markPage()
	e.watchReloads("the page to reload by itself", `window.__e2eMarker !== true`)
	e.watchReloads("the page, reloading itself, to show the list done",
		`document.querySelector('#batch-summary')?.dataset.state === 'done' && !document.querySelector('meta[http-equiv="refresh"]')`)
	e.open("/")
	lines := eval[[]string](e, `[...document.querySelectorAll('#event-log li')].map((li) => li.textContent.trim())`)
	if !slices.ContainsFunc(lines, func(s string) bool { return strings.Contains(s, "job list "+b.ID+" done") }) {
		t.Errorf("the panel's log without JavaScript lacks the list's end: %q", lines)
	}
}

// watchReloads polls cond in a page that reloads itself: a look that meets a
// navigation is tried again at the next tick.
func (e *env) watchReloads(what, cond string) {
	e.t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(waitTimeout)
	for {
		ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		select {
		case <-deadline:
			e.t.Fatalf("waiting for %s: timed out (last error %v)", what, err)
		case <-tick.C:
		}
	}
}
