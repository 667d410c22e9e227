package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWorkerOutputReachesFileAndAPI runs serve with a worker that prints a line and
// then becomes a gocluster worker: the line is in -log-dir's file, prefixed, and in
// GET /api/workers/{id}/logs.
func TestWorkerOutputReachesFileAndAPI(t *testing.T) {
	dir := t.TempDir()
	p, base := serveBin(t, nil, "-workers", "1", "-log-dir", dir,
		"-exec", `sh -c "echo from-the-worker; exec $0" `+binPath)
	waitPool(t, base, "one worker", func(p pool) bool { return len(p.Workers) == 1 })
	deadline := time.Now().Add(time.Minute)
	for {
		b, _ := os.ReadFile(filepath.Join(dir, "workers.log"))
		if strings.Contains(string(b), "[worker 1] from-the-worker\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("workers.log has no line of the worker: %q", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var logs struct {
		Lines []struct {
			Worker int    `json:"worker"`
			Stream string `json:"stream"`
			Text   string `json:"text"`
		} `json:"lines"`
	}
	// The file's copy is written just before the one the API serves: poll.
	for {
		body, code := request(t, "GET", base+"/api/workers/1/logs", "")
		if err := json.Unmarshal([]byte(body), &logs); code != 200 || err != nil || len(logs.Lines) > 1 ||
			len(logs.Lines) == 1 && (logs.Lines[0].Text != "from-the-worker" || logs.Lines[0].Stream != "stdout") {
			t.Fatalf("GET /api/workers/1/logs: %d %s", code, body)
		}
		if len(logs.Lines) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /api/workers/1/logs has no line of the worker: %s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestLogDirMustBeADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	for _, args := range [][]string{
		{"-log-dir", file}, {"-log-dir", filepath.Join(file, "missing")}, {"-log-max-size", "1KiB"},
	} {
		if _, err := parseServe(args, func(string) string { return "" }); err == nil {
			t.Errorf("%v was taken", args)
		}
	}
}
