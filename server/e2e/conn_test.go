package e2e

import (
	"strings"
	"testing"
)

// badgeJS is the connection badge's state and text.
const badgeJS = `(() => { const b = document.querySelector('#conn-badge'); return b && [b.dataset.conn, b.textContent.trim()]; })()`

// TestReconnectBadge drops the panel's connections, WebSocket included, and refuses
// new ones for a while: the badge says "reconnecting"; the pool changes meanwhile;
// once connections are let through again the badge says "live" and the panel shows
// what it missed, without a reload.
func TestReconnectBadge(t *testing.T) {
	path := browserPath(t)
	c := startPool(t, 2)
	srv := startServer(t, c)
	p := startProxy(t, srv.Listener.Addr().String())
	e := &env{t: t, c: c, srv: srv, url: p.URL()}
	e.ctx = openTab(t, path) // after the proxy, so the final screenshot comes before it closes

	e.open("/")
	e.waitLive()
	e.waitIdleCards(2)
	e.markPage()
	p.cut()
	badge := waitJS[[]string](e, "the badge to say reconnecting",
		`(() => { const b = `+badgeJS+`; return b && b[0] === 'reconnecting' && b; })()`, badgeJS)
	if !strings.HasPrefix(badge[1], "reconnecting") {
		t.Errorf("the badge's text is %q while reconnecting, want it to say reconnecting", badge[1])
	}
	if err := c.Scale(3); err != nil {
		t.Fatalf("scale to 3: %v", err)
	}
	p.restore()
	e.waitLive()
	e.waitIdleCards(3)
	if got := eval[[]string](e, badgeJS); got[1] != "live" {
		t.Errorf("the badge's text is %q once connected, want live", got[1])
	}
	if !e.samePage() {
		t.Error("the panel reloaded to reconnect")
	}
}
