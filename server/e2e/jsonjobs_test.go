package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// envTestKinds set to "json" makes the test binary's workers serve jsonRegistry.
const envTestKinds = "GOCLUSTER_TEST_KINDS"

// jsonRegistry is the built-in kinds plus wordcount, a JSON kind.
func jsonRegistry() *jobs.Registry {
	r := jobs.Builtin()
	err := r.RegisterJSON(jobs.JSONKind{Name: "wordcount", Doc: "counts words in a string", Example: "to be or not",
		Run: func(_ context.Context, in json.RawMessage) (any, error) {
			var s string
			if err := json.Unmarshal(in, &s); err != nil {
				return nil, jobs.Fail("wordcount takes a string", map[string]string{"got": string(in)})
			}
			return map[string]any{"words": len(strings.Fields(s)), "text": s}, nil
		}})
	if err != nil {
		panic(err)
	}
	return r
}

// jsonRow is one row of the results table: what its cells show, and the whole
// values of those that were cut short.
type jsonRow struct {
	Input      string `json:"input"`
	State      string `json:"state"`
	Result     string `json:"result"`
	Error      string `json:"error"`
	FullResult string `json:"full"`
}

// TestJSONListThroughThePanel: the kind selector lists the workers' kinds with their
// doc and example; a bad JSON array gets an inline error; a JSON list sent from the
// form runs, and its page shows each input and result readably, a long result cut
// short with the whole value in a <details>.
func TestJSONListThroughThePanel(t *testing.T) {
	e := newEnv(t, 2, envTestKinds+"=json")
	if err := e.c.WaitReady(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.open("/")
	e.waitLive()
	doc := eval[string](e, `document.querySelector('#job-kinds dt[data-kind="wordcount"]')?.nextElementSibling?.textContent ?? ''`)
	if !strings.Contains(doc, "counts words in a string") || !strings.Contains(doc, `["to be or not"]`) {
		t.Fatalf("the kinds list says %q for wordcount", doc)
	}
	if eval[string](e, `document.querySelector('#job-kind option[value="wordcount"]')?.textContent ?? ''`) == "" {
		t.Fatal("wordcount is not in the kind selector")
	}

	e.do("send a bad JSON array",
		chromedp.SetValue(chromedp.CSS("#job-kind"), "wordcount"),
		chromedp.SetValue(chromedp.CSS("#job-inputs"), `["to be", {"x": ]`),
		chromedp.Click(chromedp.CSS("#job-form button[type=submit]")))
	msg := waitJS[string](e, "the inline error for bad JSON",
		`document.querySelector('#form-error')?.textContent.trim() || null`, `document.querySelector('#job-form')?.outerHTML`)
	if !strings.Contains(msg, "JSON") {
		t.Fatalf("inline error %q does not say the JSON is bad", msg)
	}

	long := strings.Repeat("word ", 30)
	id := e.submitJobForm("wordcount", `["to be or not to be", {"x": 1}, "`+long+`"]`)
	e.open("/batches/" + id)
	rows := waitJS[[]jsonRow](e, "the three rows, ended", `(() => {
	  const rows = [...document.querySelectorAll('#batch-results tr[data-job-id]')];
	  if (rows.length !== 3 || rows.some((r) => r.dataset.state === 'queued' || r.dataset.state === 'running')) return null;
	  const cell = (r, c) => r.querySelector('.' + c + ' .value-short')?.textContent.trim() ?? '';
	  return rows.map((r) => ({ input: cell(r, 'input'), state: r.dataset.state, result: cell(r, 'result'),
	    error: r.querySelector('.error')?.textContent.trim() ?? '',
	    full: r.querySelector('.result .value-full')?.textContent ?? '' }));
	})()`, `document.querySelector('#batch-results')?.outerHTML`)
	if r := rows[0]; r.Input != `"to be or not to be"` || r.State != "done" || r.Result != `{"text":"to be or not to be","words":6}` {
		t.Errorf("row 1: %+v", r)
	}
	if r := rows[1]; r.Input != `{"x":1}` || r.State != "failed" || !strings.Contains(r.Error, "wordcount takes a string") ||
		!strings.Contains(r.Error, `{"got":"{\"x\":1}"}`) {
		t.Errorf("row 2: %+v", r)
	}
	r := rows[2]
	var full map[string]any
	if err := json.Unmarshal([]byte(r.FullResult), &full); err != nil || full["text"] != long || full["words"] != 30.0 {
		t.Errorf("row 3's whole result %q (%v), want the text and 30 words", r.FullResult, err)
	}
	if !strings.HasSuffix(r.Result, "…") || len([]rune(r.Result)) > 60 {
		t.Errorf("row 3's result is shown as %q, want it cut short", r.Result)
	}
}
