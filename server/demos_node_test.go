package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// quickStall are the default timings with a short Node replay stall.
func quickStall() demos.Timings {
	t := demos.DefaultTimings()
	t.NodeStall = 300 * time.Millisecond
	return t
}

// TestDemoFibNodeAPI: {"node_behaviour":true} (or node_behavior) replays the Node
// script on a pool of its own instead of submitting a list to the panel's pool;
// GET /api/demos/fib follows it to its stall. The switch is the fib demo's only.
func TestDemoFibNodeAPI(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	var st demos.NodeStatus
	a.get("/api/demos/fib").want(t, http.StatusOK, &st)
	if st.Ran || st.Running || st.Lines == nil || st.NumCPUs != 2 || st.Stall != cluster.Duration(demos.DefaultStall) {
		t.Fatalf("before a replay: %+v", st)
	}
	a.s.demos.SetTimings(quickStall())
	for _, field := range []string{"node_behaviour", "node_behavior"} {
		var run demoRun
		a.do(http.MethodPost, "/api/demos/fib/run", "application/json", `{"inputs":[20,18,18,19],"`+field+`":true}`).
			want(t, http.StatusAccepted, &run)
		if run.Demo != "fib" || run.Page != "/demos#demo-fib" || run.Batch != nil || run.Node == nil ||
			!run.Node.Running || run.Node.Report.Sent != 2 {
			t.Fatalf("%s: answer %+v", field, run)
		}
		waitFor(t, "the replay to stall and end", func() bool {
			a.get("/api/demos/fib").want(t, http.StatusOK, &st)
			return !st.Running
		})
		if !st.Report.Stalled || st.Report.Banners != 3 || !strings.Contains(st.String(), "Node would hang here forever") {
			t.Fatalf("%s: after the replay %+v:\n%s", field, st.Report, st)
		}
	}
	if n := len(a.c.Batches()); n != 0 {
		t.Errorf("the Node replay made %d lists on the panel's pool", n)
	}
	for _, body := range []string{`{"node_behaviour":true}`, `{"node_behaviour":"yes"}`} {
		for _, id := range []string{"restart", "http"} {
			code := "invalid_input"
			if strings.Contains(body, "yes") {
				code = "bad_json"
			}
			a.do(http.MethodPost, "/api/demos/"+id+"/run", "application/json", body).wantError(t, http.StatusBadRequest, code)
		}
	}
	a.do(http.MethodPost, "/api/demos/fib/run", "application/json", `{"node_behaviour":true,"inputs":[51]}`).
		wantError(t, http.StatusBadRequest, "invalid_input")
}

// TestUIDemoFibNode: the Demos page has the switch and the highlighted lines; the
// no-JS form with the switch on answers 303 to the fib card, whose box reloads while
// the replay runs and then shows its START lines and the stall.
func TestUIDemoFibNode(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	a.s.demos.SetTimings(quickStall())
	p := a.page("/demos").want(t, http.StatusOK)
	if p.attr("#demo-fib-node", "name") != "node_behaviour" || p.doc.Find("#demo-fib-node[checked]").Length() != 0 {
		t.Fatalf("the switch: %q", p.text("#demo-fib .node-switch"))
	}
	if hint := p.text("#demo-fib-node-hint"); !strings.Contains(hint, "numCPUs (2 here)") || !strings.Contains(hint, "cut after 300ms") {
		t.Errorf("the switch's hint %q does not say what the replay plays", hint)
	}
	for _, fault := range []string{"banner", "hang"} {
		bugs := p.doc.Find(`#fib-node-lesson mark.bug[data-fault="` + fault + `"]`).Length()
		fixes := p.doc.Find(`#fib-node-lesson mark.fix[data-fault="` + fault + `"]`).Length()
		if bugs == 0 || fixes == 0 || p.text(`#fib-node-lesson dt[data-fault="`+fault+`"]`) == "" {
			t.Errorf("fault %s: %d Node lines, %d Go lines highlighted, or no explanation", fault, bugs, fixes)
		}
	}
	if p.doc.Find("#fib-node[hidden]").Length() != 1 {
		t.Error("the replay's box shows before any replay")
	}
	a.post("/ui/demos/fib/run", url.Values{"inputs": {"20 18 18 19"}, "node_behaviour": {"on"}}, a.url+"/demos").
		seeOther(t, "/demos#demo-fib")
	p = a.page("/demos").want(t, http.StatusOK)
	if p.attr("#fib-node", "data-state") == "running" && !strings.Contains(p.body, `http-equiv="refresh"`) {
		t.Error("the Demos page does not reload while the replay runs")
	}
	waitFor(t, "the box to show the stall", func() bool {
		p = a.page("/demos").want(t, http.StatusOK)
		return p.attr("#fib-node", "data-state") == "stalled"
	})
	if n := p.doc.Find("#fib-node mark.banner").Length(); n != 3 {
		t.Errorf("%d START lines marked, want 3 (the primary and 2 workers)", n)
	}
	if !strings.Contains(p.text("#fib-node [data-field=outcome]"), "START was printed 3 times") ||
		p.doc.Find("#demo-fib-node[checked]").Length() != 1 || strings.Contains(p.body, `http-equiv="refresh"`) {
		t.Errorf("after the stall: outcome %q, switch checked %d", p.text("#fib-node [data-field=outcome]"),
			p.doc.Find("#demo-fib-node[checked]").Length())
	}
	p = a.post("/ui/demos/fib/run", url.Values{"inputs": {"x"}, "node_behaviour": {"on"}}, "").want(t, http.StatusUnprocessableEntity)
	if p.doc.Find("#demo-fib-node[checked]").Length() != 1 || p.text("#demo-fib-error") == "" {
		t.Error("a refused Node run loses the switch or the message")
	}
}
