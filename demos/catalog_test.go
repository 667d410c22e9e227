package demos_test

import (
	"strings"
	"testing"

	"github.com/gocluster/gocluster/demos"
)

func TestCatalogNamesEveryDemoOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range demos.Catalog() {
		if seen[d.ID] || d.Title == "" || d.Shows == "" || d.NodeSnippet == "" || d.GoSnippet == "" {
			t.Errorf("incomplete or repeated entry %+v", d)
		}
		seen[d.ID] = true
		if d.Command != "gocluster demo "+d.ID {
			t.Errorf("%s: command %q", d.ID, d.Command)
		}
		if !strings.Contains(d.NodeSnippet, "cluster") {
			t.Errorf("%s: the Node snippet is not the lesson's", d.ID)
		}
	}
	if len(seen) != 3 || !seen["fib"] || !seen["http"] || !seen["restart"] {
		t.Errorf("catalog %v, want fib, http and restart", seen)
	}
}
