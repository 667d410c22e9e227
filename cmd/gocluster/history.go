package main

import (
	"fmt"
	"log/slog"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/store"
)

// openHistory opens the history store -data asks for, or none with -ephemeral.
func openHistory(cfg serveConfig, log *slog.Logger) (*store.Store, error) {
	if cfg.Data.ephemeral() {
		return nil, nil
	}
	st, err := store.Open(cfg.Data.Dir, store.Options{Version: versionString(), Flags: runFlags(cfg),
		Retain: cfg.Data.Retain.storeRetain(), MaxBytes: int64(cfg.Data.MaxSize), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("-data %s: %w", cfg.Data.Dir, err)
	}
	return st, nil
}

// runFlags are the settings a run records beside its id: what shapes its lists.
func runFlags(cfg serveConfig) string {
	return fmt.Sprintf("workers=%d max-attempts=%d job-timeout=%s exec=%q protocol=%s", cfg.Workers,
		cfg.MaxAttempts, cfg.JobTimeout, cfg.Exec, cfg.Supervise.Protocol)
}

// withHistory gives the pool its store; a nil one leaves the pool memory-only (a
// nil *store.Store in the interface would not be nil).
func withHistory(opts cluster.Options, st *store.Store) cluster.Options {
	if st != nil {
		opts.Store = st
	}
	return opts
}
