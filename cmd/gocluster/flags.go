package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// serveConfig is everything serve needs, from flags and the environment.
type serveConfig struct {
	Addr            string
	Workers         int
	MaxWorkers      int
	Standby         int
	Token           string
	TokenFile       string
	AllowedHosts    string
	ReadOnly        bool
	MetricsPublic   bool
	MaxBody         byteSize
	MaxConns        int
	MaxConnsPerIP   int
	MaxJobsPerList  int
	MaxQueued       int
	MaxQueuedBytes  byteSize
	MaxJobBytes     byteSize
	JobTimeout      time.Duration
	MaxAttempts     int
	Prefetch        prefetch
	History         int
	ShutdownTimeout time.Duration
	// DegradedCooldown: 0 turns the retry of degraded slots off.
	DegradedCooldown time.Duration
	LogLevel         string
	LogFormat        string
	// Exec, Dir and Env choose the worker program (see cmdline.go).
	Exec    string
	Dir     string
	Env     envList
	execCmd []string // Exec split into words by validate
	// Supervise: -protocol, -listen, -balance and readiness (supervise.go).
	Supervise superviseConfig
	// Restart: -restart, its backoff and crash-loop limits, -max-memory (restartflags.go).
	Restart restartConfig
	// Config is the TOML file of settings (configfile.go).
	Config string
	// LogLines is how many output lines are kept per worker and for the pool.
	LogLines int
	// LogDir and LogMaxSize put workers' output in a rotated file too (logdir.go).
	LogDir     string
	LogMaxSize byteSize
	// Fleet: -cluster-listen, -nats, -cluster-token and -name (fleetflags.go).
	Fleet fleetConfig
	// Data is where the history is kept (dataflags.go).
	Data dataConfig
}

// envPrefix starts the environment variable of every serve flag: -max-workers is
// also GOCLUSTER_MAX_WORKERS.
const envPrefix = "GOCLUSTER_"

// envName is the environment variable that sets flag name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// serveFlags binds cfg's fields to a flag set, with their defaults and help.
func serveFlags(cfg *serveConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed once, by main
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one); a non-loopback address needs a -token of 16 characters or more")
	fs.IntVar(&cfg.Workers, "workers", runtime.NumCPU(), "initial pool size, 0..max-workers (default: CPU count)")
	fs.IntVar(&cfg.MaxWorkers, "max-workers", max(64, 4*runtime.NumCPU()), "largest pool size scaling accepts, 1..4096")
	fs.IntVar(&cfg.Standby, "standby", defaultStandby, "spare worker processes kept started and initialised, 0..4096 (at most -max-workers are kept): a fork (scale, restart after a crash) that finds one skips the exec and the program's start; 0: none; not used with -exec or -protocol none")
	fs.StringVar(&cfg.Token, "token", "", fmt.Sprintf("secret required by the panel, the API and the WebSocket (printable ASCII, no spaces; at least %d characters on a non-loopback address); prefer -token-file or GOCLUSTER_TOKEN, -token shows in ps", minExposedToken))
	fs.StringVar(&cfg.TokenFile, "token-file", "", "read the token from this file (trailing newline dropped), so it stays out of ps; not with -token")
	fs.StringVar(&cfg.AllowedHosts, "allowed-hosts", "", "more Host names to serve besides loopback, comma-separated, \"name\" or \"name:port\" (a reverse proxy's public name); other names get 421")
	fs.BoolVar(&cfg.ReadOnly, "read-only", false, "show everything, change nothing")
	fs.BoolVar(&cfg.MetricsPublic, "metrics-public", false, "serve /metrics without the token")
	cfg.MaxBody = 1 << 20
	fs.Var(&cfg.MaxBody, "max-body", "largest request body: bytes, or a number with KiB, MiB or GiB; 1KiB..1GiB")
	fs.IntVar(&cfg.MaxConns, "max-conns", 0, "most HTTP connections at once; 0: the open-file limit less what the workers need")
	fs.IntVar(&cfg.MaxConnsPerIP, "max-conns-per-ip", 64, "most HTTP connections at once from one client address; 0: no cap")
	fs.IntVar(&cfg.MaxJobsPerList, "max-jobs-per-list", 1_000_000, fmt.Sprintf("most jobs in one list, 1..100000000; "+
		"a list sent over HTTP holds at most %d inputs whatever this says, so only a lower value changes the API",
		jobs.DefaultMaxInputs))
	fs.IntVar(&cfg.MaxQueued, "max-queued", 2_000_000, "most jobs waiting across all lists, at least -max-jobs-per-list")
	cfg.MaxQueuedBytes = 512 << 20
	fs.Var(&cfg.MaxQueuedBytes, "max-queued-bytes", "most memory the lists not yet done may hold, estimated at about "+
		"1.5KiB a list and 120B a job plus its input; 1MiB..64GiB")
	cfg.MaxJobBytes = cluster.DefaultMaxValueBytes
	fs.Var(&cfg.MaxJobBytes, "max-job-bytes", "largest job input and result, as compact JSON, 1KiB..1023KiB; "+
		"a bigger input is refused (400 naming it), a bigger result fails its job")
	fs.DurationVar(&cfg.JobTimeout, "job-timeout", time.Minute, "default deadline of each job, 1ms..24h")
	fs.IntVar(&cfg.MaxAttempts, "max-attempts", 3, "tries of a job whose worker died, 1..100")
	fs.Var(&cfg.Prefetch, "prefetch", "jobs a worker holds at once: auto (or 0) adapts it per worker to its jobs, 1 for long ones and up to 128 for tiny ones; a number 1..1000 fixes it")
	fs.IntVar(&cfg.History, "history", 100, "finished job lists kept, 1..100000")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGINT/SIGTERM, how long running jobs may finish before their workers are killed, 0..24h")
	fs.DurationVar(&cfg.DegradedCooldown, "degraded-cooldown", 30*time.Second, "how long a slot degraded by a crash loop rests before a worker is tried in it again, 0..24h; 0: never (until the pool is scaled or restarted), and jobs fail at once when every slot is degraded")
	fs.StringVar(&cfg.Exec, "exec", "", "run this program as every worker instead of gocluster itself, e.g. 'python3 worker.py'; split into words like a shell would, but nothing is expanded and no shell runs (write sh -c '...' for one); it must speak docs/protocol.md")
	fs.StringVar(&cfg.Dir, "dir", "", "the workers' working directory (default: serve's); a relative -exec path is found from here")
	fs.Var(&cfg.Env, "env", "NAME=value added to every worker's environment; repeat the flag for more (GOCLUSTER_ENV: one per line)")
	superviseFlags(fs, &cfg.Supervise)
	restartFlags(fs, &cfg.Restart)
	fleetFlags(fs, &cfg.Fleet)
	dataFlags(fs, &cfg.Data)
	fs.StringVar(&cfg.Config, "config", "", "read settings from this TOML file: its keys are these flags' names without the dash (env may be a table); a flag or its variable wins over the file")
	fs.IntVar(&cfg.LogLines, "log-lines", 1000, "newest output lines kept per worker (and the last 16 that exited) and for the pool, for /api/logs and the Output page, 0..100000; 0 keeps none")
	fs.StringVar(&cfg.LogDir, "log-dir", "", "also write every worker's prefixed output to DIR/"+logDirFile+", rotated by size (the last 5 kept as .1 .. .5); the directory must exist")
	cfg.LogMaxSize = 10 << 20
	fs.Var(&cfg.LogMaxSize, "log-max-size", "size past which -log-dir's file is rotated, 64KiB..16GiB")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "text or json")
	return fs
}

// parseServe reads serve's flags, then the environment for each flag not given,
// then the config file (-config) for each flag still not set, and validates the
// result. -h gives flag.ErrHelp; every other mistake a usageError.
func parseServe(args []string, getenv func(string) string) (serveConfig, error) {
	var cfg serveConfig
	fs := serveFlags(&cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageErrorf("serve: %v", err)
	}
	if fs.NArg() > 0 {
		return cfg, usageErrorf("serve: unexpected argument %q (serve takes flags only)", fs.Arg(0))
	}
	src, err := applyEnv(fs, getenv)
	if err == nil {
		err = configPathExists(cfg.Config)
	}
	if err == nil {
		err = applyConfigFile(fs, cfg.Config, src)
	}
	if err == nil {
		err = cfg.loadTokenFile(src)
	}
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.validate(src)
}

// sources remembers which flags were set from the environment, so that an error
// names what the person actually typed.
type sources map[string]string

// name is "-workers", or "GOCLUSTER_WORKERS" when the value came from there.
func (s sources) name(flag string) string {
	if env, ok := s[flag]; ok {
		return env
	}
	return "-" + flag
}

// applyEnv sets each flag not given on the command line from its environment
// variable, if that is set and not empty: a flag wins over its variable.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) (sources, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	src := sources{}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := envName(f.Name)
		v := getenv(env)
		if err != nil || given[f.Name] || v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = usageErrorf("environment variable %s=%q: %v (%s)", env, v, serr, f.Usage)
		}
		src[f.Name] = env
	})
	return src, err
}

// defaultStandby is -standby's default: enough spares for a scale by 8 at once
// (issue 16's 2 → 10) to skip every exec, measured in docs/performance.md.
const defaultStandby = 8
