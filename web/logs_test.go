package web

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func logsView() LogsView {
	return LogsView{Worker: 3, Workers: []int{3, 5}, Dropped: 1200, Lines: []cluster.LogLine{
		{Seq: 7, Worker: 3, Stream: cluster.StreamStdout, Time: t0, Text: "listening on :8000"},
		{Seq: 9, Worker: 3, Stream: cluster.StreamStderr, Time: t0, Text: `<b>not bold</b> \x1b[31m`},
		{Seq: 12, Worker: 3, Stream: cluster.StreamStdout, Time: t0, Text: "bye", Partial: true},
	}}
}

func TestLogsPage(t *testing.T) {
	doc := render(t, LogsPage(LayoutView{Title: "Worker output"}, logsView()))
	assertCSPSafe(t, doc)
	lines := count(t, doc, "#worker-log li", 3)
	if got := attr(t, lines.Eq(1), "data-category"); got != "stderr" || !lines.Eq(1).HasClass("stream-stderr") {
		t.Errorf("the stderr line: category %q, classes %q", got, attr(t, lines.Eq(1), "class"))
	}
	if got := text(lines.Eq(1).Find(".msg")); got != `<b>not bold</b> \x1b[31m` {
		t.Errorf("text not shown as text: %q", got)
	}
	count(t, doc, "#worker-log li b", 0)
	count(t, doc, `#worker-log li[data-seq="12"] .partial`, 1)
	if got := attr(t, doc.Find("#worker-log"), "data-cap"); got != "500" {
		t.Errorf("data-cap %q", got)
	}
	if got := text(doc.Find("#log-dropped")); !strings.Contains(got, "1200 lines") {
		t.Errorf("drops not shown: %q", got)
	}
	if got := attr(t, doc.Find(`#log-workers a[aria-current="page"]`), "href"); got != "/logs?worker=3" {
		t.Errorf("current worker link %q", got)
	}
	count(t, doc, `#log-workers a[href="/logs"]`, 1)
	count(t, doc, `input#log-cat-stdout, input#log-cat-stderr, #log-filter, #log-pause`, 4)
}

func TestLogsPageNotKept(t *testing.T) {
	doc := render(t, LogsPage(LayoutView{}, LogsView{Worker: 99, NotKept: true}))
	if got := text(doc.Find(".form-error")); !strings.Contains(got, "worker 99") {
		t.Errorf("no message for an unknown worker: %q", got)
	}
	count(t, doc, "#worker-log li", 0)
}

// TestLogLinesTailOnlyNewer: the live update holds the lines after the seq a
// browser has, marked to be appended.
func TestLogLinesTailOnlyNewer(t *testing.T) {
	var b bytes.Buffer
	if err := LogLinesTail(logsView().Lines, 9).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.Contains(s, "data-append") || strings.Contains(s, `data-seq="9"`) || !strings.Contains(s, `data-seq="12"`) {
		t.Errorf("tail after 9: %s", s)
	}
}

func TestWorkerCardLinksItsOutput(t *testing.T) {
	doc := render(t, PanelPage(LayoutView{Title: "Panel"}, panelView()))
	count(t, doc, `#workers [data-worker-id="3"] a.worker-output[href="/logs?worker=3"]`, 1)
}
