package static

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFSHoldsTheAssets(t *testing.T) {
	for _, name := range []string{"favicon.svg", "css/app.css", "js/boot.js", "js/app.js"} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	if _, err := fs.Stat(FS, "jstest"); err == nil {
		t.Error("the Node tests are embedded")
	}
}

// jsFiles returns every embedded JavaScript file with its text.
func jsFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(FS, "js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var importRE = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'`)

// TestImportsResolve checks that every relative import names an embedded file, so
// the browser never requests a module that is not there.
func TestImportsResolve(t *testing.T) {
	files := jsFiles(t)
	for name, src := range files {
		for _, m := range importRE.FindAllStringSubmatch(src, -1) {
			spec := m[1]
			if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
				t.Errorf("%s imports %q: only relative imports work without a build step", name, spec)
				continue
			}
			target := path.Join(path.Dir(name), spec)
			if _, ok := files[target]; !ok {
				t.Errorf("%s imports %q, which is not embedded", name, spec)
			}
		}
	}
}

// TestNothingTheCSPWouldBlock looks for code that a strict CSP refuses or that
// would pull assets from elsewhere.
func TestNothingTheCSPWouldBlock(t *testing.T) {
	banned := []string{"eval(", "new Function", ".innerHTML", "outerHTML =", "insertAdjacentHTML",
		"document.write", ".style.", "setAttribute('style'", "cssText", "import(", "https://", "http://cdn"}
	for name, src := range jsFiles(t) {
		for _, b := range banned {
			if strings.Contains(src, b) {
				t.Errorf("%s contains %q", name, b)
			}
		}
		for _, u := range regexp.MustCompile(`https?://[^\s'"]+`).FindAllString(src, -1) {
			if u != "http://www.w3.org/2000/svg" {
				t.Errorf("%s refers to %s", name, u)
			}
		}
	}
	css, err := fs.ReadFile(FS, "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"@import", "url(", "expression("} {
		if strings.Contains(string(css), b) {
			t.Errorf("app.css contains %q", b)
		}
	}
}

// envRequireNode, or the browser tests' GOCLUSTER_REQUIRE_BROWSER, set to "1" (as
// .ci/run does) makes a missing node a failure: in CI a skip would hide that the
// JavaScript was never tested.
const (
	envRequireNode    = "GOCLUSTER_REQUIRE_NODE"
	envRequireBrowser = "GOCLUSTER_REQUIRE_BROWSER"
)

// nodePath returns the node to run, skipping the test without one unless the
// environment requires node.
func nodePath(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		return node
	}
	msg := "node not installed (Debian: apt-get install nodejs): the JavaScript tests did not run"
	if os.Getenv(envRequireNode) == "1" || os.Getenv(envRequireBrowser) == "1" {
		t.Fatalf("%s, and %s=1 or %s=1 requires them", msg, envRequireNode, envRequireBrowser)
	}
	t.Skip(msg)
	return ""
}

// TestNodeModules checks every module's syntax. There are no pure modules left to
// test under Node: the browser tests (server/e2e) are the proof of the rest.
// Without node it is skipped, or fails when node is required.
func TestNodeModules(t *testing.T) {
	node := nodePath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for name, src := range jsFiles(t) {
		args := []string{"--input-type=module", "--check"}
		if name == "js/boot.js" {
			args = []string{"--check", name} // a classic script
		}
		cmd := exec.CommandContext(ctx, node, args...)
		cmd.Stdin = strings.NewReader(src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("node --check %s: %v\n%s", name, err, out)
		}
	}
}

// TestNoRendererInJS keeps web/ the only renderer: the scripts swap the server's
// fragments and send forms, and none of them formats a figure, draws geometry or
// rebuilds the pool's state from events. These are the marks such code left before.
func TestNoRendererInJS(t *testing.T) {
	marks := []string{"toFixed", "toLocale", "Math.round", "humanMs", "speedup", "stateClass",
		"applyEvent", "snapshot", "createElementNS", "worker.exit", "job.done", "/api/"}
	for name, src := range jsFiles(t) {
		for _, m := range marks {
			if strings.Contains(src, m) {
				t.Errorf("%s contains %q: the server renders that (web/)", name, m)
			}
		}
	}
}
