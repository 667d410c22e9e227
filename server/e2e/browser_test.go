package e2e

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Environment variables the tests read.
const (
	envChrome           = "CHROME_PATH"                 // the browser; default /usr/bin/chromium
	envRequireBrowser   = "GOCLUSTER_REQUIRE_BROWSER"   // "1": a missing browser fails, not skips
	envArtifacts        = "GOCLUSTER_ARTIFACTS"         // where screenshots go
	envUpdateScreenshot = "GOCLUSTER_UPDATE_SCREENSHOT" // "1": rewrite docs/screenshot.png
)

// browserPath returns the browser to run. Without one the test is skipped, unless
// GOCLUSTER_REQUIRE_BROWSER=1 (CI), where that is a failure.
func browserPath(t *testing.T) string {
	t.Helper()
	path := cmp.Or(os.Getenv(envChrome), "/usr/bin/chromium")
	if _, err := os.Stat(path); err != nil {
		msg := "no browser for the end-to-end tests: " + err.Error() +
			" (install Debian's chromium, or set " + envChrome + ")"
		if os.Getenv(envRequireBrowser) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// allocatorOptions are the flags known to work on these machines (see
// BROWSER_TESTS.md): headless, as root, and never reaching for the internet.
func allocatorOptions(path, dataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dataDir), chromedp.WindowSize(1280, 900),
	}
}

// openTab starts a browser with one tab for the test and returns the tab's context,
// which ends at testTimeout. At the end of the test it saves a full-page screenshot
// of whatever the tab shows, fails the test if the page threw an uncaught
// exception, and closes the browser.
func openTab(t *testing.T, path string) context.Context {
	t.Helper()
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path, t.TempDir())...)
	tabCtx, tabCancel := chromedp.NewContext(allocCtx)
	stop := func() {
		closeCtx, cancel := context.WithTimeout(tabCtx, time.Minute)
		defer cancel()
		chromedp.Cancel(closeCtx) // closes the browser gracefully and waits for it
		tabCancel()
		allocCancel()
	}
	// The first Do starts the browser; its life is bound to tabCtx, not to the
	// timeout below.
	if err := chromedp.Do(tabCtx); err != nil {
		stop()
		t.Fatalf("start browser %s: %v", path, err)
	}
	exceptions := watchExceptions(tabCtx)
	ctx, cancel := context.WithTimeout(tabCtx, testTimeout)
	t.Cleanup(func() {
		saveScreenshot(t, tabCtx, "")
		cancel()
		stop()
		for _, msg := range exceptions() {
			t.Errorf("uncaught exception in the page: %s", msg)
		}
	})
	return ctx
}

// watchExceptions collects the page's uncaught exceptions until ctx ends; the
// returned func waits for that and returns them.
func watchExceptions(ctx context.Context) func() []string {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen []string
	)
	messages := chromedp.Console(ctx)
	wg.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				mu.Lock()
				seen = append(seen, m.String())
				mu.Unlock()
			}
		}
	})
	return func() []string {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

// saveScreenshot writes a full-page PNG of the tab to the artifacts directory, named
// after the test plus suffix. A screenshot that cannot be taken is logged, not
// failed: it is evidence, not the thing under test.
func saveScreenshot(t *testing.T, tabCtx context.Context, suffix string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(tabCtx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot: %v", err)
		return nil
	}
	dir := artifactsDir(t)
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name()+suffix, "_") + ".png"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot: %v", err)
		return png
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Logf("screenshot: %v", err)
	}
	return png
}

// artifactsDir is $GOCLUSTER_ARTIFACTS, or artifacts/e2e at the repository root.
func artifactsDir(t *testing.T) string {
	if d := os.Getenv(envArtifacts); d != "" {
		return d
	}
	return filepath.Join(repoRoot(t), "artifacts", "e2e")
}

// repoRoot is the nearest directory above the package's that holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}
