package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// hogScript runs the demo's socket-activated Python server; the first instance
// started (the one that creates $MARK) first fills 150 MiB, as a leak would.
const hogScript = `#!/bin/sh
if mkdir "$MARK" 2>/dev/null; then export HOG=1; fi
exec python3 -c 'import os
hog = b"x" * (150 << 20) if os.environ.get("HOG") else None
exec(compile(open(os.environ["SERVER_PY"]).read(), "server.py", "exec"))'
`

// TestServeMaxMemoryReplacesGracefully runs the real binary with -max-memory
// 100MiB over two plain Python servers sharing a port, one of which holds 150 MiB:
// it is replaced (successor first, then drained) while 4 keep-alive clients ask,
// no request fails, and its exit event says why.
func TestServeMaxMemoryReplacesGracefully(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "hog.sh")
	if err := os.WriteFile(script, []byte(hogScript), 0o755); err != nil {
		t.Fatal(err)
	}
	serverPy, _ := filepath.Abs("../../demos/supervise/server.py")
	_, base := serveBin(t, nil, "-workers", "2", "-exec", "sh "+script, "-protocol", "none",
		"-listen", "127.0.0.1:0", "-drain-timeout", "20s", "-max-memory", "100MiB",
		"-env", "MARK="+filepath.Join(dir, "hogged"), "-env", "SERVER_PY="+serverPy)
	pool := waitSupervised(t, base, "2 ready servers", allReady(2))
	url := "http://" + pool.Workers[0].Listening + "/"

	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: time.Minute}
			defer client.CloseIdleConnections()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
			}
		}()
	}
	var exit cluster.Event
	deadline := time.Now().Add(2 * time.Minute)
	for exit.Type == "" {
		if time.Now().After(deadline) {
			t.Fatal("no worker.exit with reason memory within 2 minutes")
		}
		body, code := request(t, "GET", base+"/api/events?since=0", "")
		var evs []cluster.Event
		if code != http.StatusOK || json.Unmarshal([]byte(body), &evs) != nil {
			t.Fatalf("GET /api/events: %d %s", code, body)
		}
		for _, ev := range evs {
			if ev.Type == cluster.EventExit && ev.Reason == cluster.ReasonMemory {
				exit = ev
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(exit.Detail, "over the limit of 100.0MiB") || exit.Intentional == nil || !*exit.Intentional {
		t.Fatalf("exit event: %+v", exit)
	}
	after := waitSupervised(t, base, "2 ready servers again", allReady(2))
	for _, w := range after.Workers {
		if w.ID == exit.Worker {
			t.Fatalf("worker %d still in the pool after its exit", w.ID)
		}
	}
	target := ok.Load() + 5
	waitSupervised(t, base, "requests after the replacement", func(supervisedPool) bool { return ok.Load() >= target })
	close(stop)
	wg.Wait()
	t.Logf("memory replacement: %d requests, %d failed; %s", ok.Load(), failed.Load(), exit.Detail)
	if failed.Load() != 0 {
		t.Fatalf("%d requests failed (first: %v)", failed.Load(), firstErr.Load())
	}
	// The successor does not hog: no second replacement follows.
	body, _ := request(t, "GET", base+"/api/events?since=0", "")
	if n := strings.Count(body, `"reason":"memory"`); n != 1 {
		t.Fatalf("%d memory replacements, want 1", n)
	}
}
