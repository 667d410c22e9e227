package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// config is what the flags say.
type config struct {
	count int    // runs of each quick benchmark
	slow  int    // runs of the slow ones (the fib reference list)
	out   string // JSON results file; empty for none
	goCmd string
	only  string // run only the groups whose benchmark matches this substring
	plan  []group
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{plan: defaultPlan()}
	fs := flag.NewFlagSet("gocluster-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.count, "count", 5, "runs of each benchmark, for median and spread")
	fs.IntVar(&cfg.slow, "slow-count", 3, "runs of the slow benchmarks (fib 44 42 42 43 takes ~11 s a run; one run alone can catch a burst of other load)")
	fs.StringVar(&cfg.out, "out", "bench/results.json", "where to write the figures as JSON (empty: nowhere)")
	fs.StringVar(&cfg.goCmd, "go", "go", "the go command")
	fs.StringVar(&cfg.only, "only", "", "run only benchmarks whose name contains this")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.count < 1 || cfg.count > 100 || cfg.slow < 0 || cfg.slow > 100 {
		return cfg, errors.New("-count must be 1..100 and -slow-count 0..100")
	}
	return cfg, nil
}

// run builds the test binaries, runs every group of the plan, and prints the table.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	return execute(ctx, cfg, stdout, stderr)
}

func execute(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "gocluster-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := &runner{goCmd: cfg.goCmd, dir: tmp, log: stderr, bins: map[string]string{}}
	var samples []sample
	var missing []string
	for _, g := range cfg.plan {
		if cfg.only != "" && !strings.Contains(g.bench, cfg.only) {
			continue
		}
		if err := g.available(); err != nil {
			missing = append(missing, fmt.Sprintf("%s (%s): %v", g.bench, g.pkg, err))
			fmt.Fprintf(stderr, "skipped %s: %v\n", g.bench, err)
			continue
		}
		got, err := r.runGroup(ctx, g, g.runs(cfg))
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s (%s): %v", g.bench, g.pkg, err))
			fmt.Fprintf(stderr, "skipped %s: %v\n", g.bench, err)
		}
		samples = append(samples, got...)
	}
	figs := aggregate(samples)
	writeTable(stdout, figs, missing)
	if cfg.out == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(cfg.out), 0o755); err != nil {
		return err
	}
	return writeJSON(cfg.out, newReport(figs, missing, cfg))
}
