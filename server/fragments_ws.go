package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// handleFragments is GET /ws/fragments?page=panel|batch|present|demos (batch: &id= and the
// page's jobs_offset/jobs_limit). It sends HTML text messages only: the first holds
// every live element of that page, each later one the elements that changed, each
// an element with its id, ending with <div id="frag-seq" data-seq=N>. The browser
// replaces the element of the same id. The JSON /ws stays for scripts.
func (s *Server) handleFragments(w http.ResponseWriter, r *http.Request) {
	key, render, err := s.fragView(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.serveWS(w, r, func(conn *websocket.Conn) {
		ctx := conn.CloseRead(r.Context()) // the client has nothing to say
		cl := s.frags.join(key, render)
		defer s.frags.leave(key, cl)
		s.writeFragments(ctx, conn, cl)
	})
}

// fragWriteTimeout bounds every write and ping to one browser: one that does not
// take a message within it is cut off, so its goroutine never hangs.
const fragWriteTimeout = 10 * time.Second

// writeFragments writes the client's messages until it leaves or the server closes.
// A write is bounded by a watchdog timer that closes the socket, one per client and
// re-armed per write: with a thousand browsers that costs less than a context and
// its timer per write (which the library would watch with one more callback), and
// it bounds the write just the same.
func (s *Server) writeFragments(ctx context.Context, conn *websocket.Conn, cl *fragClient) {
	stuck := time.AfterFunc(fragWriteTimeout, func() { conn.CloseNow() })
	stuck.Stop()
	defer stuck.Stop()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		var err error
		select {
		case msg := <-cl.ch:
			stuck.Reset(fragWriteTimeout)
			err = conn.Write(context.Background(), websocket.MessageText, msg)
			stuck.Stop()
		case <-ping.C:
			wctx, cancel := context.WithTimeout(ctx, fragWriteTimeout)
			err = conn.Ping(wctx)
			cancel()
		case <-ctx.Done():
			conn.CloseNow()
			return
		case <-s.frags.done:
			conn.Close(websocket.StatusGoingAway, "server shutting down")
			return
		}
		if err != nil {
			conn.CloseNow()
			return
		}
	}
}

// fragView names the page a request watches and how to render it.
func (s *Server) fragView(r *http.Request) (string, func(context.Context) []fragment, error) {
	q := r.URL.Query()
	switch q.Get("page") {
	case "panel":
		return "panel", s.panelFragments, nil
	case "present":
		return "present", s.presentFragments, nil
	case "demos":
		return "demos", s.demosFragments, nil
	case "batch":
		id, page, err := fragBatchParams(r)
		if err != nil {
			return "", nil, err
		}
		key := "batch:" + id + ":" + strconv.Itoa(page.offset) + ":" + strconv.Itoa(page.limit)
		return key, s.batchFragments(id, page), nil
	}
	return "", nil, fmt.Errorf("%w: page %q: want panel, batch, present or demos", cluster.ErrInvalid, clip(q.Get("page")))
}

func fragBatchParams(r *http.Request) (string, jobPage, error) {
	id := r.URL.Query().Get("id")
	page, err := parseJobPage(r)
	if err == nil && (id == "" || len(id) > maxBatchIDLen) {
		err = fmt.Errorf("%w: no job list %q", cluster.ErrNotFound, clip(id))
	}
	return id, page, err
}
