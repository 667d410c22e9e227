package e2e

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gocluster/gocluster/cluster"
)

// TestOutputPageFollowsPausesAndFilters opens the pool's output page: the lines
// workers printed are there, stderr in its own colour; a new worker's lines arrive
// live; pause holds them back until resume; the filter and the stream boxes hide
// lines.
func TestOutputPageFollowsPausesAndFilters(t *testing.T) {
	// sh prints, then becomes this test binary (the IPC socket stays on fd 3).
	script := `echo "hello from $GOCLUSTER_WORKER_ID"; echo "trouble in $GOCLUSTER_WORKER_ID" >&2; exec "$0"`
	c := startPoolWith(t, cluster.Options{Workers: 1, Exec: "sh", Args: []string{"-c", script, os.Args[0]}})
	srv := startServer(t, c)
	e := &env{t: t, c: c, srv: srv, url: srv.URL, ctx: openTab(t, browserPath(t))}
	first := c.Workers()[0].ID
	waitLines(t, c, first)

	e.open("/logs")
	e.waitLive()
	line := func(text string) string {
		return `[...document.querySelectorAll('#worker-log li')].find((li) => li.querySelector('.msg').textContent === ` +
			strconv.Quote(text) + `)`
	}
	dump := `document.querySelector('#worker-log').outerHTML`
	waitJS[bool](e, "the first worker's lines", `!!`+line(fmt.Sprintf("trouble in %d", first)), dump)
	colours := eval[[]string](e, `[`+line(fmt.Sprintf("hello from %d", first))+`, `+line(fmt.Sprintf("trouble in %d", first))+
		`].map((li) => getComputedStyle(li.querySelector('.msg')).color)`)
	if colours[0] == colours[1] {
		t.Errorf("stdout and stderr lines have one colour: %v", colours)
	}

	second := replaceWorker(t, c, first)
	waitJS[bool](e, "a new worker's line, live", `!!`+line(fmt.Sprintf("hello from %d", second)), dump)

	e.do("pause", chromedp.Click(chromedp.CSS(`#log-pause`)))
	third := replaceWorker(t, c, second)
	waitLines(t, c, third)
	waitJS[bool](e, "the third worker's link (the page got an update)", `!!document.querySelector('#log-workers a[href="/logs?worker=`+
		strconv.Itoa(third)+`"]')`, `document.querySelector('#log-workers').outerHTML`)
	if eval[bool](e, `!!`+line(fmt.Sprintf("hello from %d", third))) {
		t.Error("a line appeared while paused")
	}
	e.do("resume", chromedp.Click(chromedp.CSS(`#log-pause`)))
	waitJS[bool](e, "the held line after resume", `!!`+line(fmt.Sprintf("hello from %d", third)), dump)

	e.do("filter", chromedp.SendKeys(chromedp.CSS(`#log-filter`), "trouble"))
	waitJS[bool](e, "stdout lines hidden by the filter", line(fmt.Sprintf("hello from %d", third))+`.hidden && !`+
		line(fmt.Sprintf("trouble in %d", third))+`.hidden`, dump)
	e.do("hide stderr", chromedp.Click(chromedp.CSS(`#log-cat-stderr`)))
	waitJS[bool](e, "stderr lines hidden", line(fmt.Sprintf("trouble in %d", third))+`.hidden`, dump)
}

// waitLines waits until worker id's two lines are kept.
func waitLines(t *testing.T, c *cluster.Cluster, id int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("worker %d's lines", id), func() bool {
		p, err := c.Logs(cluster.LogQuery{Worker: id})
		return err == nil && len(p.Lines) == 2
	})
}

// replaceWorker kills worker id and returns the id of the one that replaced it.
func replaceWorker(t *testing.T, c *cluster.Cluster, id int) int {
	t.Helper()
	w, err := c.Worker(id)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var next int
	waitFor(t, "a worker to replace "+strconv.Itoa(id), func() bool {
		ws := c.Workers()
		if len(ws) == 1 && ws[0].ID != id {
			next = ws[0].ID
		}
		return next != 0
	})
	return next
}

// waitFor polls cond until it holds or waitTimeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
