package e2e

import (
	"context"
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gocluster/gocluster/cluster"
)

// lectureList is the seed's list: on 2 workers it runs for seconds, long enough to
// watch and to kill a worker in the middle of it.
var lectureList = []int64{44, 42, 42, 43}

// noScrollJS is the page's size when it scrolls in either direction, else null.
const noScrollJS = `(() => { const d = document.documentElement, b = document.body;
  const w = Math.max(d.scrollWidth, b.scrollWidth), h = Math.max(d.scrollHeight, b.scrollHeight);
  return w > innerWidth || h > innerHeight ? [w, h, innerWidth, innerHeight] : null; })()`

// TestLectureView opens /present while fib 44 42 42 43 runs on 2 workers, at
// 1280×720 and at 1920×1080: one screen without a scrollbar, the lanes with bars
// labelled fib(…), the last events and the speedup. A worker SIGKILLed in the
// middle of its job leaves a red attempt bar ending in the signal, and the panel's
// card of its replacement names it.
func TestLectureView(t *testing.T) {
	e := newEnv(t, 2)
	b, err := e.c.Submit("fib", lectureList, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.c.Cancel(b.ID) })
	e.resize(1280, 720)
	e.open("/present")
	e.waitLive()
	e.checkLecture("1280×720")
	victim := e.busyWorker(b.ID)
	w, err := e.c.Worker(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Kill(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	text := waitJS[string](e, "a red attempt bar ending in SIGKILL",
		`[...document.querySelectorAll('#present-lanes [data-lane="`+strconv.Itoa(victim)+`"] .bar-text')]
		   .map((t) => t.textContent).find((s) => s.includes('✕ SIGKILL'))`,
		`document.querySelector('#present-lanes')?.outerHTML`)
	t.Logf("killed attempt: %s", text)
	waitJS[bool](e, "the kill among the last events",
		`[...document.querySelectorAll('#present-events li')].some((li) => li.textContent.includes('worker `+strconv.Itoa(victim)+` ') && li.textContent.includes('SIGKILL'))`,
		`document.querySelector('#present-events')?.outerHTML`)
	// The README's picture: the seed's list on 2 workers, one of them just killed.
	e.updateDocImage("screenshot.png", saveScreenshot(t, e.ctx, "_1280x720"))
	e.resize(1920, 1080)
	e.checkLecture("1920×1080")
	saveScreenshot(t, e.ctx, "_1920x1080")

	e.open("/")
	e.waitLive()
	waitJS[bool](e, "a replacement card naming worker "+strconv.Itoa(victim),
		`[...document.querySelectorAll('#workers [data-field="replaces"]')].some((d) => d.textContent === 'worker `+strconv.Itoa(victim)+`')`,
		`document.querySelector('#workers')?.outerHTML`)
}

// checkLecture waits for the lecture view's parts and checks it fits the window.
func (e *env) checkLecture(size string) {
	e.t.Helper()
	labels := waitJS[[]string](e, size+": a lane per worker, with labelled bars",
		`(() => { const lanes = document.querySelectorAll('#present-lanes [data-lane]');
		  const texts = [...document.querySelectorAll('#present-lanes .bar-text')].map((t) => t.textContent);
		  return lanes.length >= 2 && texts.some((s) => /^fib\(4[234]\)/.test(s)) ? texts : null; })()`,
		`document.querySelector('#present-lanes')?.outerHTML`)
	e.t.Logf("%s: bars %q", size, labels)
	n := waitJS[int](e, size+": the last events", `document.querySelectorAll('#present-events li').length`,
		`document.querySelector('#present-events')?.outerHTML`)
	if n > 8 {
		e.t.Errorf("%s: %d events shown, want the last 8 at most", size, n)
	}
	if got := eval[string](e, `document.querySelector('#present-figures [data-stat="speedup"]')?.textContent ?? ''`); got == "" {
		e.t.Errorf("%s: no speedup figure", size)
	}
	if got := eval[[]int](e, noScrollJS); got != nil {
		e.t.Errorf("%s: the page scrolls: content %d×%d in a %d×%d window", size, got[0], got[1], got[2], got[3])
	}
}

// resize sets the window's inner size, as a projector's screen would.
func (e *env) resize(w, h int) {
	e.t.Helper()
	e.do(fmt.Sprintf("resize to %d×%d", w, h), chromedp.EmulateViewport(int64(w), int64(h)))
}

// busyWorker waits until a worker runs a job of list id and returns its id.
func (e *env) busyWorker(id string) int {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, w := range e.c.Workers() {
			if w.CurrentJob != nil && w.CurrentJob.Batch == id {
				return w.ID
			}
		}
		select {
		case <-ctx.Done():
			e.t.Fatalf("no worker runs a job of list %s", id)
		case <-tick.C:
		}
	}
}
