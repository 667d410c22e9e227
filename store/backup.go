package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Backup copies the history in directory dir to the file to, consistently, while a
// primary may be writing it: SQLite's VACUUM INTO reads one snapshot (WAL lets
// it read beside the writer) and writes a compact copy. to must not exist.
func Backup(ctx context.Context, dir, to string) error {
	src := filepath.Join(dir, FileName)
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: no history at %s: %w", src, err)
	}
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("backup: %s exists; give a new file", to)
	}
	if strings.ContainsAny(to, "?#") {
		return fmt.Errorf("backup: %q: the path may not contain ? or #", to)
	}
	db, err := sql.Open("sqlite", "file:"+src+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		return fmt.Errorf("backup %s to %s: %w", src, to, err)
	}
	return nil
}
