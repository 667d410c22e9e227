// Package store keeps a pool's history durable in an embedded SQLite database
// (modernc.org/sqlite: pure Go, so the binary stays static and cgo-free). It
// implements cluster.Store: runs, job lists with their inputs, options, state and
// summary, jobs with their results and errors, every attempt of a job, and a
// bounded log of the pool's events.
//
// Writes are grouped: the pool records changes without waiting, and one goroutine
// writes what gathered in one transaction every Options.Window (a few ms) or every
// Options.Group changes, whichever comes first (group commit). Flush waits until
// what was recorded before it is on disk; the pool flushes before it answers, so an
// API client never sees a job done that a crash could still lose.
//
// The schema carries its version (PRAGMA user_version) and numbered migrations run
// at Open; a database of a newer schema than this binary knows is refused
// unchanged. The database runs in WAL mode with synchronous=FULL.
package store
