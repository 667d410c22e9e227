package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// card is a worker card as the panel shows it.
type card struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

// cardsJS lists the worker cards.
const cardsJS = `[...document.querySelectorAll('#workers [data-worker-id]')].map((c) => ({ id: c.dataset.workerId, state: c.dataset.state }))`

// idleCardsJS is the live cards once there are exactly %d and all are idle, else
// null. Dead cards linger a while (Config.DeadLinger) and do not count.
const idleCardsJS = `(() => { const cards = ` + cardsJS + `.filter((c) => c.state !== 'dead');
  return cards.length === %d && cards.every((c) => c.state === 'idle') ? cards : null; })()`

// waitIdleCards waits until the panel shows exactly n worker cards, all idle, and
// returns their ids.
func (e *env) waitIdleCards(n int) []string {
	e.t.Helper()
	cards := waitJS[[]card](e, fmt.Sprintf("%d idle worker cards", n), fmt.Sprintf(idleCardsJS, n), cardsJS)
	ids := make([]string, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
	}
	return ids
}

// poolIDs are the ids of the pool's workers, as the cluster knows them.
func (e *env) poolIDs() []string {
	var ids []string
	for _, w := range e.c.Workers() {
		ids = append(ids, strconv.Itoa(w.ID))
	}
	return ids
}

// TestScaleFormLive sets the pool size to 3 with the scale form: the third worker's
// card appears and turns idle without a reload.
func TestScaleFormLive(t *testing.T) {
	e := newEnv(t, 2)
	e.open("/")
	e.waitLive()
	e.waitIdleCards(2)
	e.markPage()
	e.do("set the pool size to 3",
		chromedp.SetValue(chromedp.CSS("#scale-size"), "3"),
		chromedp.Click(chromedp.CSS(`#scale-form button[name=action][value=set]`)))
	ids := e.waitIdleCards(3)
	if got := e.c.Size(); got != 3 {
		t.Errorf("pool size %d after the scale form, want 3", got)
	}
	if want := e.poolIDs(); !slices.Equal(sorted(ids), sorted(want)) {
		t.Errorf("cards for workers %v, the pool has %v", ids, want)
	}
	waitJS[bool](e, "the size figure to say 3", `document.querySelector('#pool [data-stat="size"]')?.textContent.trim() === '3'`,
		`document.querySelector('#pool')?.outerHTML`)
	if !e.samePage() {
		t.Error("the panel reloaded after the scale form was sent with JavaScript on")
	}
}

// TestKillButtonLive presses a worker card's kill button: the card shows its death
// (it turns dead or goes), a card for the replacement (a new id) appears and turns
// idle, and the event log says in words that the worker died - all without a reload.
func TestKillButtonLive(t *testing.T) {
	e := newEnv(t, 2)
	e.open("/")
	e.waitLive()
	before := e.waitIdleCards(2)
	e.markPage()
	victim := before[0]
	e.do("press kill on worker "+victim,
		chromedp.Click(chromedp.CSS(`#workers [data-worker-id="`+victim+`"] form[data-action=kill] button`)))
	waitJS[bool](e, "worker "+victim+"'s card to show its death",
		`(() => { const c = document.querySelector('#workers [data-worker-id="`+victim+`"]'); return !c || c.dataset.state === 'dead'; })()`,
		cardsJS)
	after := e.waitIdleCards(2)
	if slices.Contains(after, victim) || !slices.Contains(after, before[1]) {
		t.Errorf("cards after the kill: %v; want %s gone, %s kept and a new worker", after, victim, before[1])
	}
	if want := e.poolIDs(); !slices.Equal(sorted(after), sorted(want)) {
		t.Errorf("cards for workers %v, the pool has %v", after, want)
	}
	var successor string
	for _, id := range after {
		if id != before[1] {
			successor = id
		}
	}
	waitJS[bool](e, "the replacement card to name worker "+victim,
		`document.querySelector('#workers [data-worker-id="`+successor+`"] [data-field="replaces"]')?.textContent === 'worker `+victim+`'`,
		`document.querySelector('#workers')?.outerHTML`)
	line := waitJS[string](e, "the death in the event log",
		`[...document.querySelectorAll('#event-log li[data-type="worker.exit"]')].map((li) => li.textContent)
		   .find((s) => s.includes('worker `+victim+` ') && (s.includes('died') || s.includes('SIGKILL')))`,
		`[...document.querySelectorAll('#event-log li')].map((li) => li.dataset.type + ': ' + li.textContent)`)
	t.Logf("event log: %s", line)
	if !e.samePage() {
		t.Error("the panel reloaded after a worker was killed")
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
