package demos

import (
	"strings"
	"testing"
)

// TestFibFaultLines: every fault is marked on both sides, and every mark names a
// fault the page explains.
func TestFibFaultLines(t *testing.T) {
	faults := map[string]bool{}
	for _, f := range FibFaults() {
		faults[f.ID] = true
	}
	for side, lines := range map[string][]CodeLine{"node": NodeFibScript(), "go": GoFibFix()} {
		marked := map[string]bool{}
		for _, l := range lines {
			if l.Fault != "" && !faults[l.Fault] {
				t.Errorf("%s line %q marks unknown fault %q", side, l.Text, l.Fault)
			}
			marked[l.Fault] = true
		}
		for id := range faults {
			if !marked[id] {
				t.Errorf("the %s code marks no line of fault %q", side, id)
			}
		}
	}
	if first := NodeFibScript()[0]; first.Fault != "banner" || !strings.Contains(first.Text, Banner) {
		t.Errorf("the Node script's first line %+v is not the banner", first)
	}
}
