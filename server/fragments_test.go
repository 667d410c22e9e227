package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// readFragments reads messages until one holds an element that ok accepts, and
// returns that element; a minute without one fails the test.
func readFragments(t *testing.T, conn *websocket.Conn, sel string, ok func(*goquery.Selection) bool) *goquery.Selection {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		typ, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", sel, err)
		}
		if typ != websocket.MessageText {
			t.Fatalf("message of type %v", typ)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Find("#frag-seq").Length() != 1 {
			t.Fatalf("message without its seq marker: %.300s", b)
		}
		if s := doc.Find(sel); s.Length() > 0 && ok(s) {
			return s
		}
	}
}

// TestFragmentsFollowThePool: the panel's stream starts with every live part, then
// sends what changed: the size figure after a scale, a dead card that names its end
// and a replacement card that names the worker it replaces.
func TestFragmentsFollowThePool(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1})
	_, url := newHubServer(t, c, Config{}, defaultHubTimings(), nil)
	conn := dialFragments(t, url, "page=panel")
	first := readFragments(t, conn, "#pool-stats", func(*goquery.Selection) bool { return true })
	doc := first.Parents().Last()
	for _, id := range []string{"workers", "batches", "event-log", "degraded-warning"} {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("the first message lacks #%s", id)
		}
	}
	if err := c.Scale(2); err != nil {
		t.Fatal(err)
	}
	readFragments(t, conn, `#pool-stats [data-stat="size"]`, func(s *goquery.Selection) bool { return s.Text() == "2" })
	victim := c.Workers()[0].ID
	w, err := c.Worker(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Kill(9); err != nil {
		t.Fatal(err)
	}
	readFragments(t, conn, "#workers", func(s *goquery.Selection) bool {
		dead := s.Find(`[data-worker-id="` + itoaInt(victim) + `"][data-state="dead"] [data-field="exit"]`)
		repl := s.Find(`[data-field="replaces"]`).FilterFunction(func(_ int, d *goquery.Selection) bool {
			return d.Text() == "worker "+itoaInt(victim)
		})
		return strings.Contains(dead.Text(), "SIGKILL") && repl.Length() == 1
	})
}

func dialFragments(t *testing.T, base, query string) *websocket.Conn {
	t.Helper()
	conn, _, err := dialWSResp(base, "/fragments?"+query, nil)
	if err != nil {
		t.Fatalf("dial fragments %s: %v", query, err)
	}
	conn.SetReadLimit(1 << 22)
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

func TestFragmentsRefuseAnUnknownPage(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	a.get("/ws/fragments?page=nope").wantError(t, 400, "invalid_input")
}

// TestFragmentsSendTheMarkerAlone: a render in which only the seq moved still sends
// the marker, so a reader waiting for an event's seq is never left waiting (the
// benchmark once hung so); a render in which nothing moved sends nothing.
func TestFragmentsSendTheMarkerAlone(t *testing.T) {
	seq := uint64(1)
	v := &fragView{render: func(context.Context) []fragment {
		return []fragment{{id: fragSeqID, c: web.FragSeq(seq)}, {id: "still", c: templ.Raw(`<p id="still">same</p>`)}}
	}, last: map[string][]byte{}, sent: map[string]uint64{}}
	v.update()
	seq = 2
	diff, full := v.update()
	if !strings.Contains(string(diff), `data-seq="2"`) || strings.Contains(string(diff), "still") {
		t.Fatalf("diff after the seq alone moved: %q", diff)
	}
	if !strings.Contains(string(full), "still") {
		t.Fatalf("the full set lacks a part: %q", full)
	}
	if diff, _ := v.update(); len(diff) != 0 {
		t.Fatalf("nothing moved, yet the diff is %q", diff)
	}
}

// TestPanelLogStopsAtTheSnapshotSeq: the log never shows an event the marker does
// not cover.
func TestPanelLogStopsAtTheSnapshotSeq(t *testing.T) {
	evs := []cluster.Event{{Seq: 4}, {Seq: 5}, {Seq: 6}}
	if got := upTo(evs, 5); len(got) != 2 || got[1].Seq != 5 {
		t.Fatalf("upTo(4..6, 5) = %v", got)
	}
	if got := upTo(evs, 3); len(got) != 0 {
		t.Fatalf("upTo(4..6, 3) = %v", got)
	}
}

// TestRenderPacer: a change after a quiet spell renders at once; one right after a
// render waits for fragDelay, and the changes meanwhile share that one render.
func TestRenderPacer(t *testing.T) {
	var p renderPacer
	defer p.stop()
	renders := 0
	render := func() { renders++ }
	p.change(render)
	if renders != 1 || p.due != nil {
		t.Fatalf("a lone change: %d renders, scheduled %v; want one at once", renders, p.due != nil)
	}
	p.change(render)
	p.change(render)
	if renders != 1 || p.due == nil {
		t.Fatalf("a burst: %d renders, scheduled %v; want one scheduled", renders, p.due != nil)
	}
	<-p.due
	p.render(render)
	if renders != 2 || p.due != nil {
		t.Fatalf("after the scheduled render: %d renders", renders)
	}
}
