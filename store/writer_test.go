package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestFailedWritesAreLoggedOncePerStreak: three failed writes (a database past
// its page cap) log one error naming the reason; the first write that succeeds
// after them (the cap raised) logs once that writes work again.
func TestFailedWritesAreLoggedOncePerStreak(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the page cap below is per connection
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := setup(ctx, db, path); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA max_page_count = 40"); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	w := &writer{db: db, window: time.Millisecond, group: 10, written: make(chan struct{}),
		log: slog.New(slog.NewTextHandler(&logs, nil))} // no loop: the test commits
	big := make([]json.RawMessage, 2000)
	for i := range big {
		big[i] = json.RawMessage(`"` + strings.Repeat("x", 200) + `"`)
	}
	w.record(cluster.Change{Type: cluster.ChangeList, List: "r-1", Kind: "k", Created: time.Now(), FirstJob: 1, Inputs: big})
	for range 3 {
		if err := w.commit(false); err == nil {
			t.Fatal("a write past the cap succeeded")
		}
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "full") {
		t.Fatalf("%d error lines for one streak:\n%s", n, logs.String())
	}
	if _, err := db.Exec("PRAGMA max_page_count = 100000"); err != nil {
		t.Fatal(err)
	}
	if err := w.commit(false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "writes succeed again") || strings.Count(logs.String(), "\n") != 2 {
		t.Fatalf("after the streak:\n%s", logs.String())
	}
}

// TestLargeDatabasesHaveTheirRootsRead: past quickCheckMax, Open reads the schema
// and each table's first row: an intact database opens, one whose table pages are
// garbage does not.
func TestLargeDatabasesHaveTheirRootsRead(t *testing.T) {
	defer func(v int64) { quickCheckMax = v }(quickCheckMax)
	quickCheckMax = 0
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatalf("an intact database: %v", err)
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	f.WriteAt(bytes.Repeat([]byte{0xff}, int(fi.Size()-4096)), 4096) // every page but the first (header, schema)
	f.Close()
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged table pages: %v", err)
	}
}
