package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScaleButtonsSendTheirAction: with JavaScript, the scale form's + and −
// buttons reach the server as themselves. forms.js once disabled the buttons before
// reading the form, and FormData leaves a disabled submitter out, so every button
// acted as "Set" with the number field's value (the http demo's os button ran rr).
func TestScaleButtonsSendTheirAction(t *testing.T) {
	e := newEnv(t, 1)
	e.open("/")
	e.waitLive()
	e.do("press +", chromedp.Click(chromedp.CSS(`#scale-form button[value=plus]`)))
	e.waitSize(2)
	waitJS[bool](e, "the form's buttons enabled again after its answer",
		`document.querySelector('#scale-form button[value=minus]')?.disabled === false`,
		`document.querySelector('#scale-form')?.outerHTML`)
	e.do("press −", chromedp.Click(chromedp.CSS(`#scale-form button[value=minus]`)))
	e.waitSize(1)
}

// waitSize polls the pool until its size is n.
func (e *env) waitSize(n int) {
	e.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for e.c.Size() != n {
		if time.Now().After(deadline) {
			e.t.Fatalf("the pool's size is %d, want %d", e.c.Size(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
