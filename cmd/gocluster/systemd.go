package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/internal/sdnotify"
)

// systemd is serve's side of a Type=notify unit: READY=1 once every worker is up
// (or the pool gave up on a degraded slot: the panel still serves and says so),
// WATCHDOG=1 every half WatchdogSec= for as long as the pool's goroutine answers,
// and STOPPING=1 when the shutdown begins. Outside systemd it sends nothing.
type systemd struct {
	n       *sdnotify.Notifier
	log     *slog.Logger
	cancel  context.CancelFunc
	stopped chan struct{}
}

// startSystemd starts the notifier's goroutine; stop ends it.
func startSystemd(n *sdnotify.Notifier, pool *cluster.Cluster, addr string, log *slog.Logger) *systemd {
	ctx, cancel := context.WithCancel(context.Background())
	s := &systemd{n: n, log: log, cancel: cancel, stopped: make(chan struct{})}
	if !n.Enabled() {
		close(s.stopped)
		return s
	}
	go s.run(ctx, pool, addr, sdnotify.WatchdogInterval(os.Getenv, os.Getpid()))
	return s
}

func (s *systemd) run(ctx context.Context, pool *cluster.Cluster, addr string, every time.Duration) {
	defer close(s.stopped)
	ready := make(chan error, 1)
	go func() { ready <- pool.WaitReady(ctx) }()
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case err := <-ready:
			ready = nil
			if ctx.Err() != nil {
				return
			}
			s.send(sdnotify.Ready + "\n" + readyStatus(pool, addr, err))
		case <-tick:
			pool.Size() // answers only while the pool's goroutine runs: a stuck pool misses the watchdog
			s.send(sdnotify.Watchdog)
		case <-ctx.Done():
			if ready != nil {
				<-ready // WaitReady ends with ctx
			}
			return
		}
	}
}

func readyStatus(pool *cluster.Cluster, addr string, err error) string {
	if err != nil {
		return fmt.Sprintf("STATUS=panel on http://%s/; pool degraded: %v", addr, err)
	}
	return fmt.Sprintf("STATUS=panel on http://%s/; %d workers", addr, pool.Size())
}

// stopping says the shutdown began; stop ends the goroutine.
func (s *systemd) stopping() {
	s.send(sdnotify.Stopping + "\nSTATUS=shutting down")
}

func (s *systemd) stop() {
	s.cancel()
	<-s.stopped
}

func (s *systemd) send(msg string) {
	if err := s.n.Notify(msg); err != nil {
		s.log.Warn("systemd notify failed", "err", err)
	}
}
