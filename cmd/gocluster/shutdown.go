package main

import (
	"context"
	"errors"
	"os"
)

// shutdown stops in the order that loses nothing: stop accepting connections, end the
// WebSocket hub, then close the pool, which cancels queued jobs and lets running ones
// finish for -shutdown-timeout before killing their workers. Long polls waiting on a
// list answer as the pool ends it. A second signal (signals counts those already
// seen) cuts every wait short. Workers are always reaped before it returns.
func (in *instance) shutdown(sigs <-chan os.Signal, signals int) error {
	ctx, cancel := context.WithTimeout(context.Background(), in.cfg.ShutdownTimeout)
	defer cancel()
	forced := make(chan struct{})
	watchDone := make(chan struct{})
	defer close(watchDone)
	go in.watchForce(sigs, signals, cancel, forced, watchDone)
	httpDone := make(chan error, 1)
	go func() { httpDone <- in.http.Shutdown(ctx) }()
	in.srv.Close()
	poolErr := in.pool.Close(ctx)
	if in.fleet != nil {
		in.fleet.Close() // after the pool: agents were told to stop their workers
	}
	if in.hist != nil {
		if err := in.hist.Close(); err != nil {
			in.log.Error("close history", "path", in.hist.Path(), "err", err)
		}
	}
	if err := <-httpDone; err != nil {
		in.http.Close() // connections still open after the deadline are cut
	}
	select {
	case <-forced:
		return errForced
	default:
	}
	if errors.Is(poolErr, context.DeadlineExceeded) {
		in.log.Warn("shutdown timeout reached: workers still running jobs were killed and their jobs canceled",
			"timeout", in.cfg.ShutdownTimeout)
	}
	in.log.Info("stopped: every worker has exited")
	return nil
}

// watchForce cancels the shutdown's deadline at the second signal, so the pool kills
// its workers at once.
func (in *instance) watchForce(sigs <-chan os.Signal, signals int, cancel context.CancelFunc, forced, done chan struct{}) {
	for {
		select {
		case s := <-sigs:
			signals++
			if signals < 2 {
				continue
			}
			in.log.Warn("second signal: killing the workers now", "signal", s.String())
			close(forced)
			cancel()
			return
		case <-done:
			return
		}
	}
}
