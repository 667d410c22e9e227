package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/web"
)

// The Demos page's run buttons. fib runs the lesson's list on the live pool, restart
// SIGKILLs random workers of it, and http starts a small pool of its own whose
// workers share one port (see demos.Runner, which runs them; this file only adapts
// them to HTTP).

// demoRun is the answer of POST /api/demos/{id}/run: what was started and the page
// where it shows.
type demoRun struct {
	Demo string `json:"demo"`
	Page string `json:"page"`
	// Batch is the fib demo's list (without its jobs).
	Batch *cluster.BatchInfo `json:"batch,omitempty"`
	// Node is the fib demo's Node replay as it started (node_behaviour).
	Node *demos.NodeStatus `json:"node,omitempty"`
	// Kills and Every: the restart demo SIGKILLs a worker every Every, Kills times.
	Kills int              `json:"kills,omitempty"`
	Every cluster.Duration `json:"every,omitempty"`
	// HTTP is the http demo as it started.
	HTTP *demos.HTTPStatus `json:"http,omitempty"`
}

// demoRequest is what a run asks for beyond the demo: the fib demo's inputs (nil
// for the lesson's) and its Node switch, the http demo's balance.
type demoRequest struct {
	inputs  []int64
	node    bool
	balance string
}

// runDemo starts demo id as req asks.
func (s *Server) runDemo(id string, req demoRequest) (demoRun, error) {
	if !knownDemo(id) {
		return demoRun{}, unknownDemo(id)
	}
	if req.inputs != nil && id != "fib" {
		return demoRun{}, fmt.Errorf("%w: the %s demo takes no inputs", cluster.ErrInvalid, id)
	}
	if req.node && id != "fib" {
		return demoRun{}, fmt.Errorf("%w: only the fib demo replays Node's behaviour", cluster.ErrInvalid)
	}
	if req.balance != "" && id != "http" {
		return demoRun{}, fmt.Errorf("%w: only the http demo takes a balance", cluster.ErrInvalid)
	}
	switch {
	case id == "fib" && req.node:
		st, err := s.demos.StartNodeFib(req.inputs)
		return demoRun{Demo: id, Page: "/demos#demo-fib", Node: &st}, err
	case id == "fib":
		b, err := s.demos.RunFib(req.inputs)
		return demoRun{Demo: id, Page: web.BatchURL(b.ID), Batch: &b}, err
	case id == "restart":
		t, err := s.demos.StartKiller()
		return demoRun{Demo: id, Page: "/", Kills: t.Kills, Every: cluster.Duration(t.KillEvery)}, err
	case id == "http":
		st, err := s.demos.StartHTTP(req.balance)
		return demoRun{Demo: id, Page: "/demos#demo-http", HTTP: &st}, err
	}
	return demoRun{}, unknownDemo(id)
}

func unknownDemo(id string) error {
	return fmt.Errorf("%w: no demo %q (fib, http or restart)", cluster.ErrNotFound, clip(id))
}

func knownDemo(id string) bool {
	for _, d := range demos.Catalog() {
		if d.ID == id {
			return true
		}
	}
	return false
}

// apiRunDemo is POST /api/demos/{id}/run. The fib demo takes an optional body of
// inputs, {"inputs":[44,42]} or the text "44 42", and {"node_behaviour":true} to
// replay the Node script's faults; the http demo an optional {"balance":"rr"} (os,
// rr or sticky); restart none. It answers 202 with what started, 409 if that demo
// already runs.
func (s *Server) apiRunDemo(w http.ResponseWriter, r *http.Request) {
	req, err := decodeDemoRequest(w, r, s.cfg.MaxBody)
	var run demoRun
	if err == nil {
		run, err = s.runDemo(chi.URLParam(r, "id"), req)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusAccepted, run)
}

// decodeDemoRequest reads the optional body of a demo run: text inputs, or JSON with
// inputs (nil when absent), node_behaviour (or node_behavior) and balance.
func decodeDemoRequest(w http.ResponseWriter, r *http.Request, maxBody int64) (demoRequest, error) {
	typ, err := bodyTypeOf(r)
	if err != nil {
		return demoRequest{}, err
	}
	body, err := readBody(w, r, maxBody)
	switch {
	case err != nil:
		return demoRequest{}, err
	case isBlank(body):
		return demoRequest{}, nil
	case typ != bodyJSON && !looksLikeJSON(body):
		in, err := parseBatchText(body)
		return demoRequest{inputs: in}, err
	}
	var req struct {
		Inputs        []json.RawMessage `json:"inputs"`
		NodeBehaviour bool              `json:"node_behaviour"`
		NodeBehavior  bool              `json:"node_behavior"`
		Balance       string            `json:"balance"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return demoRequest{}, err
	}
	out := demoRequest{node: req.NodeBehaviour || req.NodeBehavior, balance: req.Balance}
	if req.Inputs != nil {
		out.inputs, err = jsonInputs(req.Inputs)
	}
	return out, err
}

// apiFibDemo is GET /api/demos/fib: the running or the last Node replay of the fib
// demo.
func (s *Server) apiFibDemo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, s.demos.NodeStatus())
}

// apiHTTPDemo is GET /api/demos/http: the running or the last http demo.
func (s *Server) apiHTTPDemo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, s.demos.HTTPStatus())
}

// uiRunDemo is POST /ui/demos/{id}/run: it answers 303 to the page where the demo
// shows (the list's page, the panel, or the http demo's box), or re-renders the
// Demos page with the message in the demo's card.
func (s *Server) uiRunDemo(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !knownDemo(id) {
		s.renderError(w, r, unknownDemo(id))
		return
	}
	text := r.PostFormValue("inputs")
	req := demoRequest{node: r.PostFormValue("node_behaviour") != "", balance: r.PostFormValue("balance")}
	var err error
	if strings.TrimSpace(text) != "" {
		req.inputs, err = parseBatchText([]byte(text))
	}
	var run demoRun
	if err == nil {
		run, err = s.runDemo(id, req)
	}
	if err == nil {
		http.Redirect(w, r, run.Page, http.StatusSeeOther)
		return
	}
	s.renderDemos(w, r, uiStatus(err), func(d *web.DemoView) {
		if d.ID == id {
			d.Error = formMessage(err)
			d.Inputs = text
			d.NodeBehaviour = req.node
		}
	})
}

// demosPage is GET /demos: the classroom demos of demos.Catalog with their run
// buttons, and the http demo's live box.
func (s *Server) demosPage(w http.ResponseWriter, r *http.Request) {
	s.renderDemos(w, r, http.StatusOK, nil)
}

// renderDemos renders the Demos page with status; edit, when set, changes each card
// (a failed run's message).
func (s *Server) renderDemos(w http.ResponseWriter, r *http.Request, status int, edit func(*web.DemoView)) {
	v := s.demosView()
	for i := range v.Demos {
		if edit != nil {
			edit(&v.Demos[i])
		}
	}
	l := s.layout("Demos")
	l.Refresh = s.demos.NodeStatus().Running // without JavaScript, the replay's box grows by reloads
	s.render(w, r, status, web.DemosPage(l, v))
}

// demosView shows each demo with its snippets, its run form and what it does.
func (s *Server) demosView() web.DemosView {
	t := s.demos.Timings()
	ds := demos.Catalog()
	out := make([]web.DemoView, len(ds))
	for i, d := range ds {
		v := web.DemoView{ID: d.ID, Title: d.Title, Shows: d.Shows, NodeSnippet: d.NodeSnippet,
			GoSnippet: d.GoSnippet, Command: d.Command, RunAction: "/ui/demos/" + d.ID + "/run",
			RunNote: runNote(d.ID, t)}
		switch d.ID {
		case "fib":
			v.TakesInputs, v.Inputs = true, web.DefaultInputs
			node := fibNodeView(s.demos.NodeStatus())
			v.Node, v.NodeLesson, v.NodeBehaviour = &node, nodeLessonView(), node.Ran
		case "http":
			v.HTTP = s.httpDemoView()
		}
		out[i] = v
	}
	return web.DemosView{Demos: out}
}

// runNote says what a demo's button does on this server.
func runNote(id string, t demos.Timings) string {
	switch id {
	case "fib":
		return "Runs the list on this panel's pool and opens its page, where the timeline shows the jobs side by side. " +
			"With Node's behaviour it replays the Node script on a pool of its own instead, and shows it here."
	case "restart":
		return fmt.Sprintf("Sends SIGKILL to a random worker of this panel's pool %s, %d times, then opens the "+
			"panel: its event log shows each death and the replacement the pool forks.", every(t.KillEvery), t.Kills)
	case "http":
		return fmt.Sprintf("Starts %d more workers, apart from this panel's pool, sharing one port on 127.0.0.1 for %s. "+
			"Send them requests and watch each worker's count.", t.HTTPWorkers, humanDuration(t.HTTPFor))
	}
	return ""
}

// every says how often: "once a second", "every 2 s".
func every(d time.Duration) string {
	if d == time.Second {
		return "once a second"
	}
	return "every " + humanDuration(d)
}

// humanDuration writes whole minutes and seconds as people say them: "1 min", "5 s".
func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d >= time.Second && d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return d.String()
}

// httpDemoView is the http demo's box; it offers to run the demo in rr or os unless
// the server is read-only.
func (s *Server) httpDemoView() *web.HTTPDemoView {
	st := s.demos.HTTPStatus()
	v := &web.HTTPDemoView{Running: st.Running, Addr: st.Addr, LoadCommand: st.LoadCommand,
		SecondsLeft: st.SecondsLeft, Total: st.Total, Balance: string(st.Balance)}
	if !s.cfg.ReadOnly {
		v.RunAction = "/ui/demos/http/run"
	}
	for _, w := range st.Workers {
		v.Workers = append(v.Workers, web.DemoWorkerCount{ID: w.Worker, PID: w.PID, Requests: w.Requests})
	}
	return v
}
