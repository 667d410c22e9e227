package web

import (
	"strings"
	"testing"
)

// TestPanelGroupsWorkersByHost: with agents in the pool the panel lists each host's
// health and heads each host's cards; with the primary's host alone it shows
// neither.
func TestPanelGroupsWorkersByHost(t *testing.T) {
	v := panelView()
	for i := range v.Workers {
		v.Workers[i].Host, v.Workers[i].Local = "prim", true
	}
	doc := render(t, PanelPage(LayoutView{Title: "Panel"}, v))
	count(t, doc, "#hosts li", 0)
	count(t, doc, "#workers li.host-head", 0)

	v.Workers[2].Host, v.Workers[2].Local = "host-a", false
	v.Workers[3].Host, v.Workers[3].Local = "host-a", false
	v.Hosts = []HostView{{Name: "prim", Local: true, State: "up", Size: 2, Workers: 2},
		{Name: "host-a", State: "up", Size: 2, Workers: 2}, {Name: "host-b", State: "lost", Late: 3}}
	doc = render(t, PanelPage(LayoutView{Title: "Panel"}, v))
	count(t, doc, "#hosts li", 3)
	if got := doc.Find(`#hosts li[data-host="host-b"]`).Text(); !strings.Contains(got, "lost") || !strings.Contains(got, "3 late") {
		t.Errorf("lost host-b reads %q: want its state and late count", got)
	}
	heads := doc.Find("#workers li.host-head")
	if heads.Length() != 2 || heads.Eq(0).Text() != "host prim" || heads.Eq(1).Text() != "host host-a" {
		t.Errorf("host headings %q: want host prim, then host host-a", heads.Text())
	}
	if got := doc.Find("#workers li.host-head").Eq(1).Next().AttrOr("data-host", ""); got != "host-a" {
		t.Errorf("the card after host-a's heading is on %q", got)
	}
}
