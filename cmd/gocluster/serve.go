package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/fleet"
	"github.com/gocluster/gocluster/internal/sdnotify"
	"github.com/gocluster/gocluster/server"
	"github.com/gocluster/gocluster/store"
)

// errForced is returned when a second signal cut the graceful shutdown short.
var errForced = errors.New("forced shutdown: a second signal killed the workers and their running jobs")

// serveCmd is `gocluster [serve] [flags]`.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return helpCmd(nil, stdout) // `gocluster -h` is how most people ask
	}
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stdout, stderr)
}

// instance is one running serve: the listener, the pool and the HTTP server.
type instance struct {
	cfg  serveConfig
	log  *slog.Logger
	ln   net.Listener
	pool *cluster.Cluster
	srv  *server.Server
	http *http.Server
	// conns is the cap on HTTP connections held at once (connBudget).
	conns int
	fleet *fleet.Primary // nil without -cluster-listen or -nats
	// hist keeps the history (-data); nil with -ephemeral.
	hist *store.Store
}

// serve runs the pool and the panel until ctx ends or SIGINT/SIGTERM arrives, then
// shuts down gracefully; a second signal makes it quick. It returns nil after a
// clean shutdown, with every worker reaped.
func serve(ctx context.Context, cfg serveConfig, stdout, stderr io.Writer) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	notifier, err := sdnotify.New(os.Getenv)
	if err != nil {
		return err
	}
	out, closeOut, err := workerOutput(cfg, stderr)
	if err != nil {
		return err
	}
	defer closeOut() // after the pool: every worker's last line is written
	in, err := start(cfg, newLogger(stderr, cfg), out)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- in.http.Serve(in.ln) }()
	stopHUP := in.restartOnHUP()
	defer stopHUP()
	sd := startSystemd(notifier, in.pool, in.ln.Addr().String(), in.log)
	defer sd.stop()
	fmt.Fprintf(stdout, "gocluster panel: http://%s/\n", in.ln.Addr())
	if in.fleet != nil {
		fmt.Fprintf(stdout, "gocluster agents join: %s\n", fleet.RedactURLs(in.fleet.URL()))
	}
	in.log.Info("serving", "addr", in.ln.Addr().String(), "workers", cfg.Workers, "read_only", cfg.ReadOnly,
		"token", cfg.Token != "", "max_conns", in.conns, "max_conns_per_ip", cfg.MaxConnsPerIP,
		"protocol", cfg.Supervise.Protocol, "listen", in.pool.ListenAddr())
	signals := 0
	var serveErr error
	select {
	case <-ctx.Done():
		in.log.Info("shutting down", "reason", context.Cause(ctx).Error())
	case s := <-sigs:
		signals++
		in.log.Info("shutting down", "signal", s.String())
	case serveErr = <-served:
		in.log.Error("http server failed", "err", serveErr)
	}
	sd.stopping()
	err = in.shutdown(sigs, signals)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return errors.Join(fmt.Errorf("serve http: %w", serveErr), err)
	}
	return err
}

// start opens the listener first, so a busy port fails before any worker is forked,
// then the pool and the HTTP server.
func start(cfg serveConfig, log *slog.Logger, stderr io.Writer) (*instance, error) {
	conns, err := connBudget(cfg.MaxConns, cfg.MaxWorkers+min(cfg.Standby, cfg.MaxWorkers), sources{})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	ln = server.LimitListener(ln, cfg.MaxConnsPerIP, conns, log)
	hist, err := openHistory(cfg, log)
	if err != nil {
		ln.Close()
		return nil, err
	}
	pool, err := cluster.Start(withHistory(poolOptions(cfg, log, stderr), hist))
	if err != nil {
		ln.Close()
		if hist != nil {
			hist.Close()
		}
		return nil, fmt.Errorf("start pool: %w", err)
	}
	fl, err := startFleet(cfg.Fleet, pool, log)
	if err != nil {
		pool.Close(context.Background())
		ln.Close()
		if hist != nil {
			hist.Close()
		}
		return nil, err
	}
	srv := server.New(pool, server.Config{Token: cfg.Token, Addr: ln.Addr().String(),
		AllowedHosts: splitHosts(cfg.AllowedHosts), ReadOnly: cfg.ReadOnly,
		MetricsPublic: cfg.MetricsPublic, MaxBody: int64(cfg.MaxBody), CPUs: runtime.NumCPU(), Logger: log})
	return &instance{cfg: cfg, log: log, ln: ln, pool: pool, srv: srv, http: httpServer(srv.Handler(), log),
		conns: conns, fleet: fl, hist: hist}, nil
}

// poolOptions turns the flags into the pool's options.
func poolOptions(cfg serveConfig, log *slog.Logger, stderr io.Writer) cluster.Options {
	workers := cfg.Workers
	if workers == 0 {
		workers = -1 // cluster.Options: -1 is an empty pool, 0 the default size
	}
	opts := cluster.Options{
		Workers:    workers,
		MaxWorkers: cfg.MaxWorkers,
		// The default (8) must not refuse a small -max-workers: the cap bounds it.
		Standby: min(cfg.Standby, cfg.MaxWorkers),
		// A GOCLUSTER_DEMO left in the shell must not turn the job workers into demo workers.
		Env:    append([]string{demos.EnvDemo + "="}, cfg.Env...),
		Dir:    cfg.Dir,
		Output: stderr,
		// 0 keeps no lines: the pool's -1; the pool's 0 would be its default.
		LogLines: cmp.Or(cfg.LogLines, -1),
		Logger:   log,
		// A retiring worker may finish its job for as long as a shutdown lets it.
		StopTimeout: max(cfg.ShutdownTimeout, time.Second),
		Restart:     cluster.RestartPolicy{DegradedCooldown: degradedCooldown(cfg.DegradedCooldown)},
		HostName:    cfg.Fleet.Name,
		Jobs: cluster.JobOptions{Prefetch: int(cfg.Prefetch), Timeout: cfg.JobTimeout, MaxAttempts: cfg.MaxAttempts,
			MaxPerBatch: cfg.MaxJobsPerList, MaxQueued: cfg.MaxQueued, MaxQueuedBytes: int64(cfg.MaxQueuedBytes),
			History: cfg.History, MaxValueBytes: int(cfg.MaxJobBytes)},
	}
	if len(cfg.execCmd) > 0 {
		opts.Exec, opts.Args = cfg.execCmd[0], cfg.execCmd[1:]
	}
	cfg.Supervise.apply(&opts)
	cfg.Restart.apply(&opts.Restart)
	return opts
}

// degradedCooldown maps the flag, where 0 means never, to the policy, where 0 means
// the default and never is negative.
func degradedCooldown(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// httpServer has timeouts against slow clients, but no ReadTimeout or WriteTimeout:
// they would cut ?wait= long polls and WebSocket connections, which outlive any
// single deadline. The server sets read deadlines on bodies and write deadlines on
// answers per request instead (server/deadlines.go), and the listener caps the
// connections held at once (server.LimitListener).
func httpServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// newLogger is the slog logger the flags ask for, on stderr.
func newLogger(w io.Writer, cfg serveConfig) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel)) // validated already
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
