package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// runner builds each package's test binary once and runs benchmark groups with it.
type runner struct {
	goCmd string
	dir   string // where the binaries go
	log   io.Writer
	bins  map[string]string // package dir -> test binary
	errs  map[string]error  // package dir -> why it did not build
}

// binary returns the package's test binary, building it on first use.
func (r *runner) binary(ctx context.Context, pkg string) (string, error) {
	if bin, ok := r.bins[pkg]; ok {
		return bin, nil
	}
	if err, ok := r.errs[pkg]; ok {
		return "", err
	}
	bin := filepath.Join(r.dir, strings.ReplaceAll(pkg, "/", "_")+".test")
	fmt.Fprintf(r.log, "building %s test binary…\n", pkg)
	out, err := exec.CommandContext(ctx, r.goCmd, "test", "-c", "-o", bin, "./"+pkg+"/").CombinedOutput()
	if err == nil {
		r.bins[pkg] = bin
		return bin, nil
	}
	err = fmt.Errorf("build %s: %w: %s", pkg, err, tail(out, 400))
	if r.errs == nil {
		r.errs = map[string]error{}
	}
	r.errs[pkg] = err
	return "", err
}

// runGroup runs g's benchmarks runs times in one process and returns their metrics.
// Metrics that were printed are returned even when the run failed later.
func (r *runner) runGroup(ctx context.Context, g group, runs int) ([]sample, error) {
	if runs == 0 {
		return nil, nil
	}
	bin, err := r.binary(ctx, g.pkg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(r.log, "running %s × %d…", g.bench, runs)
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, "-test.run", "^$", "-test.bench", "^"+g.bench+"$",
		"-test.benchtime", g.benchtime, "-test.count", strconv.Itoa(runs), "-test.timeout", "20m")
	cmd.Dir = g.pkg
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	fmt.Fprintf(r.log, " %.1fs\n", time.Since(start).Seconds())
	samples, err := parseBench(bytes.NewReader(stdout.Bytes()), runtime.GOMAXPROCS(0))
	switch {
	case err != nil:
		return samples, err
	case runErr != nil:
		return samples, fmt.Errorf("%w: %s", runErr, failure(stdout.Bytes(), stderr.Bytes()))
	case len(samples) == 0:
		return nil, errors.New("no such benchmark in this tree")
	}
	return samples, nil
}

// failure says why a run failed: go test's FAIL report if there is one, else the
// end of what the binary printed.
func failure(stdout, stderr []byte) string {
	if i := bytes.Index(stdout, []byte("--- FAIL")); i >= 0 {
		return tail(stdout[i:], 600)
	}
	return tail(append(stdout, stderr...), 600)
}

// tail is the end of b on one line, for error messages.
func tail(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}
