package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/web"
)

// mountUI serves the HTML pages, the no-JavaScript forms under /ui/ and the static
// assets.
func (s *Server) mountUI(r chi.Router) {
	s.mountStatic(r)
	r.Get("/", s.panelPage)
	r.Get("/batches", s.historyPage)
	r.Get("/batches/{id}", s.batchPage)
	r.Get("/demos", s.demosPage)
	r.Get("/present", s.presentPage)
	r.Get("/logs", s.logsPage)
	r.Get("/login", s.loginPage)
	r.Route("/ui", func(r chi.Router) {
		r.Use(s.uiForm)
		r.Post("/pool/scale", s.uiScale)
		r.Post("/pool/restart", s.uiRestart)
		r.Post("/batches", s.uiSubmit)
		r.Post("/batches/{id}/cancel", s.uiCancel)
		r.Post("/batches/{id}/baseline", s.uiBaseline)
		r.Post("/workers/{id}/{action}", s.uiWorker)
		r.Post("/demos/{id}/run", s.uiRunDemo)
	})
}

// panelPage is GET /: the control panel as the pool stands now; the page's script
// then keeps it live over the WebSocket.
func (s *Server) panelPage(w http.ResponseWriter, r *http.Request) {
	s.renderPanel(w, r, http.StatusOK, nil)
}

// renderPanel renders the panel with status; edit, when set, adds what a failed
// form post needs (its message and the user's input).
func (s *Server) renderPanel(w http.ResponseWriter, r *http.Request, status int, edit func(*web.PanelView)) {
	v := s.livePanel()
	if edit != nil {
		edit(&v)
	}
	l := s.layout("Control panel")
	l.Refresh = anyRunning(v.Batches)
	s.render(w, r, status, web.PanelPage(l, v))
}

// batchPage is GET /batches/{id}: one job list with its summary, and a page of its
// jobs (?jobs_offset=, ?jobs_limit= as in the API) in the results and the timeline.
func (s *Server) batchPage(w http.ResponseWriter, r *http.Request) {
	page, err := parseJobPage(r)
	var id string
	if err == nil {
		id, err = batchID(r)
	}
	var b cluster.BatchInfo
	if err == nil {
		b, err = s.c.BatchJobs(id, page.offset, page.limit)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := batchPageView(b)
	v.Pager = jobPager(r.URL, page, b.Summary.Total)
	l := s.layout("Job list " + b.ID)
	l.Refresh = b.State == cluster.BatchRunning
	s.render(w, r, http.StatusOK, web.BatchPage(l, v))
}

// loginPage is GET /login: the token form. Without a token there is nothing to sign
// in to, so it sends the visitor to the panel.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, web.LoginPage(s.layout("Sign in"), web.LoginView{}))
}

// render writes a page. It renders into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.cfg.Logger.Error("render page", "path", r.URL.Path, "err", err)
		http.Error(w, "could not render the page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages show live state
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows err as a small page in the site's frame, with the status the
// error table gives it.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := uiStatus(err)
	title := http.StatusText(status)
	s.render(w, r, status, messagePage(s.layout(title), title, formMessage(err)))
}

// messagePage is a page with a heading and one paragraph, inside web's layout.
func messagePage(l web.LayoutView, title, msg string) templ.Component {
	return web.MessagePage(l, web.MessageView{Title: title, Message: msg})
}

// uiStatus is the status of a failed page or form: the API's, except that bad input
// (the API's 400) is 422, the usual answer to a form re-rendered with its errors.
func uiStatus(err error) int {
	if st := statusOf(err); st != http.StatusBadRequest {
		return st
	}
	return http.StatusUnprocessableEntity
}

// formMessage is err's message for a person reading the page: the API's, without the
// sentinel prefix ("invalid input: ") that helps scripts but not people. With
// JavaScript the page shows the same words: forms.js reads them from this page.
func formMessage(err error) string {
	msg := userMessage(err)
	for _, e := range []error{cluster.ErrInvalid, cluster.ErrNotFound, errConflict, demos.ErrBusy} {
		msg = strings.TrimPrefix(msg, e.Error()+": ")
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}

// redirectBack answers a successful form post with 303 to the page it came from
// (the Referer's path, when it is this site's), or to the panel.
func redirectBack(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, backPath(r), http.StatusSeeOther)
}

// backPath is the Referer's path when the Referer is this host's and the path is a
// plain local one (never "//host", which browsers read as another site), else "/".
func backPath(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || u.Host == "" {
		return "/"
	}
	if p := u.Path; !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, `\`) ||
		strings.HasPrefix(p, "/ui/") {
		return "/"
	}
	return u.EscapedPath()
}

// anyRunning says whether a list still runs: then a no-JS page refreshes itself.
func anyRunning(bs []web.BatchRow) bool {
	for _, b := range bs {
		if b.State == string(cluster.BatchRunning) {
			return true
		}
	}
	return false
}
