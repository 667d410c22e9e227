package web

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOwnWorkerShowsTheExample: the Demos page shows sdk/python/example.py as it is,
// the command that serves it and the curl that sends it work.
func TestOwnWorkerShowsTheExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "sdk", "python", "example.py"))
	if err != nil {
		t.Fatal(err)
	}
	doc := render(t, DemosPage(LayoutView{}, demosView()))
	count(t, doc, "#own-worker", 1)
	if got := doc.Find("#own-worker pre.own-worker-python").Text(); got != string(src) {
		t.Errorf("the page's Python worker differs from sdk/python/example.py:\n%s", got)
	}
	if got := doc.Find("#own-worker pre.own-worker-serve").Text(); got != "bin/gocluster serve -exec 'python3 sdk/python/example.py'" {
		t.Errorf("serve command = %q", got)
	}
	if got := doc.Find("#own-worker pre.own-worker-curl").Text(); got != ownWorkerCurl {
		t.Errorf("curl = %q", got)
	}
	count(t, render(t, DemosPage(LayoutView{}, DemosView{})), "#own-worker", 1) // with no demos too
}
