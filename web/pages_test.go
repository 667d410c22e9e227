package web

import (
	"strings"
	"testing"
)

func TestLayout(t *testing.T) {
	doc := render(t, LoginPage(LayoutView{Title: "Sign in", Version: "v1.2.3"}, LoginView{}))
	if got := text(doc.Find("title")); got != "Sign in · gocluster" {
		t.Errorf("title = %q", got)
	}
	if got := attr(t, doc.Find(`link[rel="stylesheet"]`), "href"); got != "/static/css/app.css" {
		t.Errorf("stylesheet = %q", got)
	}
	if got := attr(t, doc.Find(`script[type="module"]`), "src"); got != "/static/js/app.js" {
		t.Errorf("module = %q", got)
	}
	if got := attr(t, doc.Find(`link[rel="icon"]`), "href"); got != "/static/favicon.svg" {
		t.Errorf("icon = %q", got)
	}
	count(t, doc, "#present-toggle", 1)
	count(t, doc, "#conn-badge", 0) // no live connection on the login page
	count(t, doc, "nav", 0)         // and nowhere to go
	count(t, doc, "#readonly-badge", 0)
	if doc.Find("html").HasClass("present") {
		t.Error("presentation class without Presentation")
	}
	if !strings.Contains(text(doc.Find("footer")), "v1.2.3") {
		t.Error("version missing from the footer")
	}
}

func TestLayoutPresentationAndBadge(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{Presentation: true}, PanelView{}))
	if !doc.Find("html").HasClass("present") {
		t.Error("html lacks class present")
	}
	if got := attr(t, doc.Find("#present-toggle"), "aria-pressed"); got != "true" {
		t.Errorf("toggle aria-pressed = %q", got)
	}
	if got := attr(t, doc.Find(`nav a[aria-current="page"]`), "href"); got != "/" {
		t.Errorf("current page link = %q", got)
	}
	badge := doc.Find("#conn-badge")
	if attr(t, badge, "data-conn") != "offline" || attr(t, badge, "aria-live") != "polite" {
		t.Error("conn badge lacks data-conn or aria-live")
	}
}

func TestLoginPage(t *testing.T) {
	doc := render(t, LoginPage(LayoutView{}, LoginView{Error: "wrong token"}))
	f := doc.Find("#login-form")
	if attr(t, f, "method") != "get" || attr(t, f, "action") != "/" {
		t.Error("login form must GET /")
	}
	in := f.Find("input#token")
	if attr(t, in, "name") != "token" || attr(t, in, "type") != "password" {
		t.Error("token field wrong")
	}
	count(t, doc, `label[for="token"]`, 1)
	if got := text(doc.Find("#form-error")); got != "wrong token" {
		t.Errorf("#form-error = %q", got)
	}
}

func demosView() DemosView {
	return DemosView{Demos: []DemoView{
		{ID: "fib", Title: "Fibonacci on every core", Shows: "Four CPU-bound jobs finish in the time of one.",
			NodeSnippet: "if (cluster.isPrimary) {\n  for (...) cluster.fork();\n}", GoSnippet: "pool := cluster.New(cluster.Options{})",
			Command: "gocluster demo fib", RunAction: "/ui/demos/fib/run", RunNote: "Opens the list's page.",
			TakesInputs: true, Inputs: "44 42 42 43"},
		{ID: "http", Title: "Shared port", Shows: "Workers share one listening socket.", NodeSnippet: "http.createServer()", GoSnippet: "pool.Listen()",
			HTTP: &HTTPDemoView{}},
	}}
}

func TestDemosPage(t *testing.T) {
	doc := render(t, DemosPage(LayoutView{}, demosView()))
	count(t, doc, "#demos [data-demo-id]", 2)
	fib := doc.Find(`#demos [data-demo-id="fib"]`)
	if attr(t, fib, "id") != "demo-fib" {
		t.Error("demo id attribute")
	}
	if got := fib.Find(".node-snippet code").Text(); !strings.Contains(got, "cluster.fork();\n}") {
		t.Errorf("node snippet lost its lines: %q", got)
	}
	if got := text(fib.Find(".go-snippet")); got != "pool := cluster.New(cluster.Options{})" {
		t.Errorf("go snippet = %q", got)
	}
	assertPostForm(t, doc, `[data-demo-id="fib"] form`, "/ui/demos/fib/run")
	if got := attr(t, fib.Find(`form[data-action="run-demo"] input#demo-fib-inputs`), "value"); got != "44 42 42 43" {
		t.Errorf("fib inputs field = %q", got)
	}
	count(t, doc, `label[for="demo-fib-inputs"]`, 1)
	if got := text(fib.Find(".demo-command code")); got != "gocluster demo fib" {
		t.Errorf("command = %q", got)
	}
	if e := fib.Find("#demo-fib-error"); attr(t, e, "role") != "alert" || text(e) != "" {
		t.Error("#demo-fib-error is not an empty alert")
	}
	count(t, doc, `[data-demo-id="http"] form`, 0) // no RunAction
	// The http demo's box shows even without a run button.
	if got := text(doc.Find(`#demo-http #http-demo [data-field="status"]`)); got != "Not running." {
		t.Errorf("http demo status = %q", got)
	}
}

func TestDemosRunError(t *testing.T) {
	v := demosView()
	v.Demos[0].Error = "Input 2 \"x\" is not an integer"
	v.Demos[0].Inputs = "1 x"
	doc := render(t, DemosPage(LayoutView{}, v))
	in := doc.Find("#demo-fib-inputs")
	if attr(t, in, "value") != "1 x" || attr(t, in, "aria-invalid") != "true" {
		t.Errorf("inputs field after an error: value %q, aria-invalid %q", attr(t, in, "value"), attr(t, in, "aria-invalid"))
	}
	if got := text(doc.Find("#demo-fib-error")); got != v.Demos[0].Error {
		t.Errorf("#demo-fib-error = %q", got)
	}
}

func TestHTTPDemoStatus(t *testing.T) {
	v := demosView()
	load := "for i in $(seq 200); do curl -s http://127.0.0.1:41234/ >/dev/null; done"
	v.Demos[1].HTTP = &HTTPDemoView{Running: true, Addr: "127.0.0.1:41234", LoadCommand: load, SecondsLeft: 42,
		Workers: []DemoWorkerCount{{ID: 7, PID: 4200, Requests: 30}, {ID: 8, PID: 4201, Requests: 20}}, Total: 50}
	doc := render(t, DemosPage(LayoutView{ReadOnly: true}, v))
	box := doc.Find("#http-demo")
	if attr(t, box, "data-running") != "true" || attr(t, box, "data-addr") != "127.0.0.1:41234" {
		t.Error("#http-demo lacks data-running or data-addr")
	}
	if got := text(box.Find(`[data-field="status"]`)); got != "Serving http://127.0.0.1:41234/ · 42 s left" {
		t.Errorf("status = %q", got)
	}
	if got := text(box.Find("#http-demo-load")); got != load {
		t.Errorf("load command = %q", got)
	}
	if got := attr(t, box.Find("button[data-copy]"), "data-copy"); got != "http-demo-load" {
		t.Errorf("copy button targets %q", got)
	}
	rows := count(t, doc, "#http-demo-counts tbody tr[data-worker-id]", 2)
	if got := text(rows.First().Find(".requests")); got != "30" || attr(t, rows.First(), "data-worker-id") != "7" {
		t.Errorf("first row: worker %q, requests %q", attr(t, rows.First(), "data-worker-id"), got)
	}
	if got := text(box.Find(`[data-field="total"]`)); got != "50" {
		t.Errorf("total = %q", got)
	}
}

func TestDemosReadOnly(t *testing.T) {
	doc := render(t, DemosPage(LayoutView{ReadOnly: true}, demosView()))
	count(t, doc, "form", 0)
	count(t, doc, "#demos [data-demo-id]", 2)
}

func TestDemosEmpty(t *testing.T) {
	doc := render(t, DemosPage(LayoutView{}, DemosView{}))
	count(t, doc, ".empty-note", 1)
}

// TestEveryPageIsCSPSafe renders every page in both modes; render asserts that none
// has an inline script, style or handler.
func TestEveryPageIsCSPSafe(t *testing.T) {
	for _, ro := range []bool{false, true} {
		l := LayoutView{ReadOnly: ro, Presentation: ro}
		render(t, PanelPage(l, panelView()))
		render(t, BatchPage(l, batchView()))
		render(t, DemosPage(l, demosView()))
		render(t, LoginPage(l, LoginView{Error: "x"}))
		render(t, MessagePage(l, MessageView{Title: "x", Message: "y"}))
	}
}

func TestMessagePage(t *testing.T) {
	doc := render(t, MessagePage(LayoutView{Title: "Not Found"}, MessageView{Title: "Not Found", Message: "no job list b9 <x>"}))
	if got := text(doc.Find("h1")); got != "Not Found" {
		t.Errorf("h1 = %q", got)
	}
	if got := text(doc.Find("#message")); got != "no job list b9 <x>" {
		t.Errorf("#message = %q", got)
	}
	if got := attr(t, doc.Find("body"), "data-page"); got != "message" {
		t.Errorf("data-page = %q", got)
	}
	count(t, doc, `main a[href="/"]`, 1)
}
