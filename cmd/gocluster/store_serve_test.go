package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeCorruptHistoryIsAClearError: a data directory whose database is garbage
// stops serve at start with the path and the reason, not a panic.
func TestServeCorruptHistoryIsAClearError(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gocluster.db")
	os.WriteFile(db, []byte(strings.Repeat("garbage!", 4096)), 0o600)
	out, code := runBin(t, storeEnv, "serve", "-addr", "127.0.0.1:0", "-workers", "1", "-data", dir)
	if code != 1 || !strings.Contains(out, db) || !strings.Contains(out, "not a database") || strings.Contains(out, "panic") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// TestServeFullHistoryRefusesNewLists fills a capped database: new lists get 507
// storage_full, and the pool goes on serving the list it already holds.
func TestServeFullHistoryRefusesNewLists(t *testing.T) {
	p, base := serveBin(t, storeEnv, "-workers", "2", "-data", t.TempDir(), "-data-max-size", "64KiB")
	defer p.signal(t, syscall.SIGTERM)
	// 3000 rows do not fit in 64 KiB: the list is accepted (held in memory), its
	// write fails, and the next list is refused.
	big := `{"kind":"sleep","inputs":[` + strings.Repeat("1,", 2999) + `1]}`
	body, code := request(t, "POST", base+"/api/batches", big)
	if code != http.StatusCreated {
		t.Fatalf("first list: %d %s", code, body)
	}
	var first crashList
	json.Unmarshal([]byte(body), &first)
	deadline := time.Now().Add(time.Minute)
	for {
		body, code = request(t, "POST", base+"/api/batches", `{"kind":"sleep","inputs":[1]}`)
		if code == http.StatusInsufficientStorage {
			break
		}
		if code != http.StatusCreated || time.Now().After(deadline) {
			t.Fatalf("no 507 while the history is full: %d %s", code, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(body, `"storage_full"`) || !strings.Contains(body, "full") {
		t.Fatalf("507 body: %s", body)
	}
	l := getCrashList(t, base, first.ID, "&wait=60s&jobs_limit=0")
	if l.State != "done" || l.Summary.Done != 3000 {
		t.Fatalf("the list held before the disk filled: %+v", l)
	}
	getPool(t, base)
}

// TestBackupCommandCopiesWhileServing copies a serving primary's history with
// `gocluster backup`; a serve on the copy has the list.
func TestBackupCommandCopiesWhileServing(t *testing.T) {
	dir := t.TempDir()
	p, base := serveBin(t, storeEnv, "-workers", "1", "-data", dir)
	id := submitList(t, base, []int{1, 2, 3})
	getCrashList(t, base, id, "&wait=60s")
	copyDir := t.TempDir()
	out, code := runBin(t, nil, "backup", "-data", dir, filepath.Join(copyDir, "gocluster.db"))
	if code != 0 || !strings.Contains(out, "copied to") {
		t.Fatalf("backup: exit %d: %s", code, out)
	}
	p.signal(t, syscall.SIGTERM)
	p.wait(t, time.Minute)
	_, base2 := serveBin(t, storeEnv, "-workers", "1", "-data", copyDir)
	if l := getCrashList(t, base2, id, ""); l.State != "done" || len(l.Jobs) != 3 {
		t.Fatalf("the copy's list: %+v", l)
	}
	if out, code := runBin(t, nil, "backup", "-data", dir); code != 2 || !strings.Contains(out, "give one PATH") {
		t.Fatalf("backup without PATH: exit %d: %s", code, out)
	}
}
