package e2e

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDemoFibRunsLive runs the fib demo from the Demos page with its button: the
// page sends it over the API and opens the new list's page, where every result
// arrives live with the right value and the timeline draws a lane per worker. The
// pool starts empty, so the list is still waiting when its page opens; the workers
// come only then, and everything after that reaches the page without a reload.
func TestDemoFibRunsLive(t *testing.T) {
	e := newEnv(t, -1)
	e.open("/demos")
	e.do("run the fib demo with small inputs",
		chromedp.SetValue(chromedp.CSS("#demo-fib-inputs"), joinInputs(fibInputs)),
		chromedp.Click(chromedp.CSS(`#demo-fib form[data-action="run-demo"] button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`#batch-page[data-batch-id]`)))
	id := eval[string](e, `document.querySelector('#batch-page').dataset.batchId`)
	if b, err := e.c.Batch(id); err != nil || b.Kind != "fib" || len(b.Jobs) != len(fibInputs) {
		t.Fatalf("the demo's list %s: %v, %+v", id, err, b)
	}
	e.watchListRunLive(t, id)
}

// TestDemoFibErrorInline: inputs the fib kind refuses leave the Demos page where it
// is, with the server's message, worded as without JavaScript, in the demo's card.
func TestDemoFibErrorInline(t *testing.T) {
	e := newEnv(t, -1)
	e.open("/demos")
	e.markPage()
	e.do("run the fib demo with 51",
		chromedp.SetValue(chromedp.CSS("#demo-fib-inputs"), "20 51"),
		chromedp.Click(chromedp.CSS(`#demo-fib form[data-action="run-demo"] button[type=submit]`)))
	got := waitJS[string](e, "the fib demo's error", `document.querySelector('#demo-fib-error')?.textContent.trim()`,
		`document.querySelector('#demo-fib')?.outerHTML`)
	if want := "Input 2: fib input 51 is out of range: must be between 0 and 50"; got != want {
		t.Errorf("#demo-fib-error says %q, want %q", got, want)
	}
	if eval[string](e, `document.querySelector('#demo-fib-inputs').getAttribute('aria-invalid')`) != "true" {
		t.Error("#demo-fib-inputs is not marked aria-invalid after the error")
	}
	if n := len(e.c.Batches()); n != 0 || !e.samePage() {
		t.Errorf("after a refused run: %d lists, same page %v; want none and no reload", n, e.samePage())
	}
}

// TestDemoHTTPCountsLive starts the http demo with its button: the box shows the
// shared address and the load command, and the per-worker counts grow as requests
// arrive, without a reload.
func TestDemoHTTPCountsLive(t *testing.T) {
	e := newEnv(t, -1)
	e.open("/demos")
	e.markPage()
	e.do("run the http demo", chromedp.Click(chromedp.CSS(`#demo-http form[data-action="run-demo"] button[type=submit]`)))
	addr := waitJS[string](e, "the http demo's box to say where it serves",
		`document.querySelector('#http-demo[data-running="true"]')?.dataset.addr`,
		`document.querySelector('#http-demo')?.outerHTML`)
	load := eval[string](e, `document.querySelector('#http-demo-load').textContent`)
	if want := "for i in $(seq 200); do curl -s http://" + addr + "/ >/dev/null; done"; load != want {
		t.Errorf("load command %q, want %q", load, want)
	}
	const n = 20
	sendRequests(t, "http://"+addr+"/", n)
	sum := waitJS[int](e, fmt.Sprintf("%d requests in the box", n),
		`(() => { if (document.querySelector('#http-demo [data-field="total"]')?.textContent !== '`+strconv.Itoa(n)+`') return 0;
		  const rows = [...document.querySelectorAll('#http-demo-counts tbody tr[data-worker-id]')];
		  return rows.length === 2 ? rows.reduce((s, r) => s + Number(r.querySelector('.requests').textContent), 0) : 0; })()`,
		`document.querySelector('#http-demo')?.outerHTML`)
	if sum != n {
		t.Errorf("the workers' counts add up to %d, want %d", sum, n)
	}
	if !e.samePage() {
		t.Fatal("the Demos page reloaded while the http demo ran")
	}
	saveScreenshot(t, e.ctx, "_http")
}

// TestDemoRestartInTheLog runs the restart demo from the Demos page: the panel
// opens, and its event log shows workers dying of SIGKILL and their replacements
// forked, the later ones arriving live.
func TestDemoRestartInTheLog(t *testing.T) {
	e := newEnv(t, 2)
	e.open("/demos")
	e.do("run the restart demo",
		chromedp.Click(chromedp.CSS(`#demo-restart form[data-action="run-demo"] button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`body[data-page="panel"]`)))
	e.waitLive()
	e.markPage()
	lines := waitJS[[]string](e, "three SIGKILL deaths and three replacements in the event log",
		`(() => { const text = (type) => [...document.querySelectorAll('#event-log li[data-type="' + type + '"]')].map((li) => li.textContent);
		  const deaths = text('worker.exit').filter((s) => s.includes('died (SIGKILL), restarting...'));
		  const forks = text('worker.fork').filter((s) => s.includes('(restart #'));
		  return deaths.length >= 3 && forks.length >= 3 ? deaths.concat(forks) : null; })()`,
		`[...document.querySelectorAll('#event-log li')].map((li) => li.dataset.type + ': ' + li.textContent)`)
	t.Logf("event log: %q", lines)
	if !e.samePage() {
		t.Error("the panel reloaded while the demo killed workers")
	}
}

// sendRequests sends n requests to url, each on its own connection.
func sendRequests(t *testing.T, url string, n int) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Timeout: time.Minute, Transport: tr}
	for i := range n {
		resp, err := client.Get(url)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(b) != "hello world\n" {
			t.Fatalf("request %d: %q %v", i, b, err)
		}
	}
}

// TestDemoFibNodeBehaviour toggles the fib demo's "Node's behaviour" switch: the
// Node lines appear beside the Go ones with each fault highlighted on both sides;
// a run then replays the Node script on a pool of its own, and the card shows,
// without a reload, START printed by every process and the stall that Node never
// comes out of, cut after its timeout with an explanation.
func TestDemoFibNodeBehaviour(t *testing.T) {
	e := newEnv(t, -1)
	e.open("/demos")
	e.markPage()
	const shown = `getComputedStyle(document.querySelector('#fib-node-lesson')).display !== 'none'`
	if eval[bool](e, shown) {
		t.Fatal("the Node lines show before the switch is on")
	}
	e.do("turn Node's behaviour on", chromedp.Click(chromedp.CSS("#demo-fib-node")))
	marked := waitJS[map[string][]string](e, "the highlighted Node and Go lines",
		`(() => { if (!(`+shown+`)) return null;
		  const text = (sel) => [...document.querySelectorAll(sel)].filter((m) => m.offsetHeight > 0).map((m) => m.textContent);
		  const r = { bug: text('#fib-node-lesson mark.bug'), fix: text('#fib-node-lesson mark.fix') };
		  return r.bug.length && r.fix.length ? r : null; })()`,
		`document.querySelector('#fib-node-lesson')?.outerHTML`)
	if !slices.ContainsFunc(marked["bug"], func(s string) bool { return strings.Contains(s, "console.log('####====START====###')") }) ||
		!slices.ContainsFunc(marked["bug"], func(s string) bool { return strings.Contains(s, "Math.min(numCPUs, collection.length)") }) ||
		!slices.ContainsFunc(marked["fix"], func(s string) bool { return strings.Contains(s, "cluster.IsWorker()") }) {
		t.Errorf("highlighted lines %q", marked)
	}
	e.do("run the Node replay with small inputs",
		chromedp.SetValue(chromedp.CSS("#demo-fib-inputs"), "20 18 18 19"),
		chromedp.Click(chromedp.CSS(`#demo-fib form[data-action="run-demo"] button[type=submit]`)))
	waitJS[bool](e, "the replay to stall and say so",
		`document.querySelector('#fib-node[data-state="stalled"] [data-field="outcome"]') !== null`,
		`document.querySelector('#fib-node')?.outerHTML`)
	banners := eval[[]string](e, `[...document.querySelectorAll('#fib-node mark.banner')].map((m) => m.textContent)`)
	want := []string{"####====START====###", "[worker 1] ####====START====###", "[worker 2] ####====START====###"}
	slices.Sort(banners)
	if !slices.Equal(banners, want) {
		t.Errorf("START lines %q, want one per process %q", banners, want)
	}
	status := eval[string](e, `document.querySelector('#fib-node [data-field="status"]').textContent`)
	outcome := eval[string](e, `document.querySelector('#fib-node [data-field="outcome"]').textContent`)
	if !strings.Contains(status, "Node would hang here forever") || !strings.Contains(outcome, "never asked for") {
		t.Errorf("status %q, outcome %q: no explanation of the stall", status, outcome)
	}
	if n := len(e.c.Batches()); n != 0 || !e.samePage() {
		t.Errorf("after the replay: %d lists on the panel's pool, same page %v; want none and no reload", n, e.samePage())
	}
	saveScreenshot(t, e.ctx, "_node")
}

// TestDemoHTTPRunsInOS: the http demo's explanation offers both modes; its "os"
// button starts the demo with the kernel's accept, and the box, live, says so and
// opens the explanation of the uneven split, with the button to run it in rr.
func TestDemoHTTPRunsInOS(t *testing.T) {
	e := newEnv(t, -1)
	e.open("/demos")
	e.markPage()
	e.do("open the explanation and run the demo in os",
		chromedp.Click(chromedp.CSS("#http-demo-why summary")),
		chromedp.Click(chromedp.CSS(`#http-demo-why button[name=balance][value=os]`)))
	said := waitJS[string](e, "the box to say the demo runs in os",
		`document.querySelector('#http-demo[data-running="true"] #http-demo-why[open] [data-field="balance"]')?.textContent`,
		`document.querySelector('#http-demo')?.outerHTML`)
	if !strings.Contains(said, "os") || !strings.Contains(said, "SCHED_NONE") {
		t.Errorf("the box says %q", said)
	}
	if eval[int](e, `document.querySelectorAll('#http-demo-why button[value=rr]').length`) != 1 || !e.samePage() {
		t.Error("no button to run it in rr, or the page reloaded")
	}
}
