package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gocluster/gocluster/cluster"
	_ "modernc.org/sqlite" // the pure-Go driver "sqlite"
)

// FileName is the database's name inside the data directory.
const FileName = "gocluster.db"

// Options configure a Store. The zero value is usable: every field documents its
// default.
type Options struct {
	// Version and Flags describe this run in the runs table: the binary's version
	// and the settings that matter (free text). Default: empty.
	Version string
	Flags   string
	// Window is how long changes gather before they are written in one
	// transaction; Group writes at once when that many gathered. Defaults 5ms
	// and 4096.
	Window time.Duration
	Group  int
	// MaxBytes, if positive, caps the database file: past it writes fail as on a
	// full disk (SQLite's max_page_count). Default: no cap but the disk's.
	MaxBytes int64
	// Retain bounds the history kept: see Retain. Default DefaultRetain.
	Retain Retain
	// Logger hears of failed writes: once when a streak of failures starts (with
	// the reason) and once when writes succeed again. Default: none.
	Logger *slog.Logger
}

// Store is an open history database; it implements cluster.Store.
type Store struct {
	path string
	opts Options
	db   *sql.DB
	lock *os.File
	w    *writer
	run  string
	pr   *pruner
}

var _ cluster.Store = (*Store)(nil)

// Open opens (creating it if needed) the history in directory dir, runs the
// schema's migrations and starts the writer. A database that cannot be read or
// written, a corrupt one, or one of a newer schema is an error naming the path.
func Open(dir string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	db, err := openDB(path, opts.MaxBytes)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("open history %s: %w", path, err)
	}
	s := &Store{path: path, opts: opts, db: db, lock: lock}
	s.w = newWriter(db, opts.Window, opts.Group, opts.Logger)
	s.pr = startPruner(db, opts.Retain)
	return s, nil
}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = 5 * time.Millisecond
	}
	if o.Group <= 0 {
		o.Group = 4096
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Retain = o.Retain.withDefaults()
	return o
}

// openDB opens the file in WAL mode, checks it is a database this binary can use
// and brings its schema up to date.
func openDB(path string, maxBytes int64) (*sql.DB, error) {
	if err := checkWritable(path); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	if maxBytes > 0 {
		// Every connection gets the cap (a pragma is per connection); pages are
		// SQLite's default 4096 bytes.
		dsn += fmt.Sprintf("&_pragma=max_page_count(%d)", max(maxBytes/4096, 16))
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = setup(ctx, db, path)
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// setup reads the schema and checks the pages (a corrupt file fails here), and
// migrates it.
func setup(ctx context.Context, db *sql.DB, path string) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("not a readable SQLite database: %w", err)
	}
	if err := checkPages(ctx, db, path); err != nil {
		return err
	}
	return migrate(ctx, db)
}

// quickCheckMax is the largest database whose every page is checked at start
// (PRAGMA quick_check reads the whole file: about 11 ms for the 17 MB
// BenchmarkStoreStartup writes for 1M jobs, one end record each, on the
// development machine). A real pool writes about 39 MB per 1M tiny jobs (a start
// and an end record each, plus events), so the full check covers about 1.7M of
// them; a larger database has its schema and each table's first row read
// instead, and damage deeper in shows when it is read.
var quickCheckMax int64 = 64 << 20

// checkPages looks for damage at start, so that a corrupt file stops serve with a
// clear error instead of failing reads later.
func checkPages(ctx context.Context, db *sql.DB, path string) error {
	fi, err := os.Stat(path)
	if err == nil && fi.Size() <= quickCheckMax {
		var res string
		err = db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&res)
		if err == nil && res != "ok" {
			err = errors.New(res)
		}
	} else {
		err = readRoots(ctx, db)
	}
	if err != nil {
		return fmt.Errorf("the database is damaged (%w): restore a copy made with gocluster backup, or move the file away", err)
	}
	return nil
}

// readRoots reads the schema and the first row of every table (not the indexes:
// a damaged index shows when a query uses it).
func readRoots(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, t := range tables {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM "`+t+`" LIMIT 1)`).Scan(&n); err != nil {
			return fmt.Errorf("table %s: %w", t, err)
		}
	}
	return rows.Err()
}

// checkWritable says clearly when the database file exists but cannot be opened for
// writing (SQLite would fall back to read-only and fail later, mid-run).
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cannot write: %w", err)
	}
	return f.Close()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close writes what is pending, stops the pruner and the writer, records the run's
// stop and closes the database. Safe to call once.
func (s *Store) Close() error {
	s.pr.stop()
	err := s.w.close()
	if s.run != "" {
		_, e := s.db.Exec("UPDATE runs SET stopped_at = ? WHERE id = ?", time.Now().UnixNano(), s.run)
		err = errors.Join(err, e)
	}
	err = errors.Join(err, s.db.Close())
	s.lock.Close()
	return err
}

// Record queues a change for the next group (cluster.Store).
func (s *Store) Record(ch cluster.Change) { s.w.record(ch) }

// Flush waits until every change recorded before it is durable (cluster.Store).
func (s *Store) Flush(ctx context.Context) error { return s.w.flush(ctx) }

// Err is the writer's last failure, nil once a write succeeds again (cluster.Store).
func (s *Store) Err() error { return s.w.failure() }
