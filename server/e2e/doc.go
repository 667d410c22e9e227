// Package e2e holds the control panel's end-to-end tests: a real pool of workers, the
// real server on 127.0.0.1 and Debian's headless Chromium driven by chromedp. They
// check what a person sees: job lists filling in live with the right results and a
// timeline, worker cards appearing and dying without a reload, both forms working
// with JavaScript turned off, and the connection badge recovering after the
// WebSocket drops.
//
// The package has no code of its own; everything is in _test.go files. The tests
// skip when no browser is installed (/usr/bin/chromium, or $CHROME_PATH) unless
// GOCLUSTER_REQUIRE_BROWSER=1, as in CI, where a missing browser fails them. Each
// test saves a full-page screenshot under $GOCLUSTER_ARTIFACTS, or artifacts/e2e at
// the repository root; GOCLUSTER_UPDATE_SCREENSHOT=1 also rewrites
// docs/screenshot.png, the README's picture of the panel.
package e2e
