package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gocluster/gocluster/web"
)

// historyPage is GET /batches: the job lists across runs with the API's filters
// (?state=, ?kind=, ?run=, ?before=, ?limit=), and a link to the older page. A bad
// filter is 400, as in the API, with the page and its message beside the form.
func (s *Server) historyPage(w http.ResponseWriter, r *http.Request) {
	f, err := parseHistory(r)
	if err != nil {
		q := r.URL.Query()
		v := web.HistoryView{State: q.Get("state"), Kind: clip(q.Get("kind")), Run: clip(q.Get("run")),
			Error: formMessage(err)}
		s.render(w, r, http.StatusBadRequest, web.HistoryPage(s.layout("Job lists"), v))
		return
	}
	if !r.URL.Query().Has("limit") {
		f.Limit = historyPageSize
	}
	v := web.HistoryView{State: string(f.State), Kind: f.Kind, Run: f.Run}
	bs, err := s.c.History(f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, b := range bs {
		v.Batches = append(v.Batches, batchRow(b))
	}
	if len(bs) == f.Limit {
		v.Next = nextHistoryURL(r.URL, bs[len(bs)-1].ID, f.Limit)
	}
	s.render(w, r, http.StatusOK, web.HistoryPage(s.layout("Job lists"), v))
}

// historyPageSize is how many lists the history page shows at once.
const historyPageSize = 25

// nextHistoryURL is the page after the one that ended with list last: the same
// filters, older lists.
func nextHistoryURL(u *url.URL, last string, limit int) string {
	q := u.Query()
	q.Set("before", last)
	q.Set("limit", strconv.Itoa(limit))
	return "/batches?" + q.Encode()
}
