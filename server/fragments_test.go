package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/coder/websocket"

	"github.com/gocluster/gocluster/cluster"
)

// readFragments reads messages until one holds an element that ok accepts, and
// returns that element; 30 s without one fails the test.
func readFragments(t *testing.T, conn *websocket.Conn, sel string, ok func(*goquery.Selection) bool) *goquery.Selection {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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
