package main

import (
	"os"
	"os/signal"
	"syscall"
)

// restartOnHUP makes SIGHUP a rolling restart of the pool, as nginx reloads and
// PM2's reload does: each worker is replaced once its successor is ready. A HUP
// while a restart runs is logged and dropped. The returned func stops listening
// and waits for the goroutine.
func (in *instance) restartOnHUP() (stop func()) {
	hups := make(chan os.Signal, 1)
	signal.Notify(hups, syscall.SIGHUP)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-hups:
				if err := in.srv.RollingRestart(); err != nil {
					in.log.Warn("SIGHUP: no rolling restart", "err", err)
					continue
				}
				in.log.Info("SIGHUP: rolling restart started")
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(hups)
		close(done)
		<-finished
	}
}
