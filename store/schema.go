package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNewerSchema is returned by Open for a database written by a newer gocluster:
// it is left unchanged.
var ErrNewerSchema = errors.New("database schema is newer than this binary knows")

// migrations are the schema's steps; migration i brings user_version from i to
// i+1. Append only: a released step never changes.
var migrations = []string{
	`CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
	INSERT INTO meta(key, value) VALUES('next_job', 1);
	CREATE TABLE runs(id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, stopped_at INTEGER,
		version TEXT NOT NULL, flags TEXT NOT NULL) WITHOUT ROWID;
	CREATE TABLE lists(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, run TEXT NOT NULL,
		kind TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER,
		timeout_ns INTEGER NOT NULL, lim INTEGER NOT NULL, workers INTEGER NOT NULL,
		first_job INTEGER NOT NULL, total INTEGER NOT NULL, summary TEXT);
	CREATE INDEX lists_state ON lists(state, seq);
	CREATE INDEX lists_kind ON lists(kind, seq);
	CREATE INDEX lists_run ON lists(run, seq);
	CREATE TABLE jobs(id INTEGER PRIMARY KEY, input TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued',
		result TEXT, error TEXT, error_data TEXT, worker INTEGER, pid INTEGER, host TEXT,
		attempts INTEGER NOT NULL DEFAULT 0, started_at INTEGER, finished_at INTEGER,
		duration_ms REAL, outcome TEXT);
	CREATE TABLE attempts(job INTEGER NOT NULL, n INTEGER NOT NULL, worker INTEGER, pid INTEGER,
		host TEXT, started_at INTEGER, finished_at INTEGER, duration_ms REAL, outcome TEXT NOT NULL,
		PRIMARY KEY(job, n)) WITHOUT ROWID;
	CREATE TABLE events(id INTEGER PRIMARY KEY, run TEXT NOT NULL, seq INTEGER NOT NULL,
		time INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);`,
	// 2: a list's inputs are one blob on its row, and its jobs' changes are rows of
	// chunks, one per list and group commit (codec.go); jobs and attempts keep what
	// version 1 wrote, read under the chunks. A run's alive_at is its last write
	// (every group, and every aliveEvery): where its lost tries end.
	`ALTER TABLE lists ADD COLUMN inputs BLOB;
	ALTER TABLE runs ADD COLUMN alive_at INTEGER;
	CREATE TABLE chunks(id INTEGER PRIMARY KEY, list TEXT NOT NULL, body BLOB NOT NULL);
	CREATE INDEX chunks_list ON chunks(list, id);`,
}

// SchemaVersion is the schema this binary writes.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema up to date, one transaction per step; a newer schema
// is an error and changes nothing.
func migrate(ctx context.Context, db *sql.DB) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%w: version %d, this binary knows up to %d (upgrade gocluster, or use another -data)",
			ErrNewerSchema, v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		if err := step(ctx, db, v); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	return nil
}

func step(ctx context.Context, db *sql.DB, v int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return err
	}
	return tx.Commit()
}
