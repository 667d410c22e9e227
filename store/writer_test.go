package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
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
	if err := setup(ctx, db); err != nil {
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
