package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// Bounds of the serve flags that have no natural limit of their own.
const (
	maxMaxWorkers     = 4096
	maxJobsPerListCap = 100_000_000
	maxQueuedCap      = 1_000_000_000
	maxTokenLen       = 1024
	// minExposedToken is the shortest token a non-loopback address takes: 16
	// characters of `openssl rand -hex 8` are 64 random bits, beyond guessing at
	// the sign-in rate limit (server/ratelimit.go).
	minExposedToken     = 16
	maxShutdownTimeout  = 24 * time.Hour
	maxDegradedCooldown = 24 * time.Hour
)

// validate checks every setting and says which flag or variable is wrong and why.
func (c *serveConfig) validate(src sources) error {
	for _, check := range []func(sources) error{
		c.checkAddr, c.checkInts, c.checkSizes, c.checkDurations, c.checkToken, c.checkHosts, c.checkLog, c.checkExposure, c.checkExec, c.checkSupervise, c.checkRestart, c.checkLogDir, c.checkFleet, c.checkData,
	} {
		if err := check(src); err != nil {
			return err
		}
	}
	return nil
}

func (c *serveConfig) checkAddr(src sources) error {
	_, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return usageErrorf("%s %q: %v (want host:port, e.g. 127.0.0.1:8080)", src.name("addr"), c.Addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usageErrorf("%s %q: port must be a number from 0 to 65535", src.name("addr"), c.Addr)
	}
	return nil
}

// checkInts checks the integer flags against their bounds, in an order where each
// bound is already known to be valid.
func (c *serveConfig) checkInts(src sources) error {
	for _, r := range []struct {
		flag      string
		v, lo, hi int
	}{
		{"max-workers", c.MaxWorkers, 1, maxMaxWorkers},
		{"workers", c.Workers, 0, c.MaxWorkers},
		{"standby", c.Standby, 0, maxMaxWorkers}, // at most -max-workers are kept (poolOptions)
		{"max-jobs-per-list", c.MaxJobsPerList, 1, maxJobsPerListCap},
		{"max-queued", c.MaxQueued, c.MaxJobsPerList, maxQueuedCap},
		{"max-attempts", c.MaxAttempts, 1, 100},
		{"prefetch", int(c.Prefetch), 0, 1000},
		{"history", c.History, 1, 100_000},
		{"log-lines", c.LogLines, 0, 100_000},
		{"max-conns", c.MaxConns, 0, maxAutoConns},
		{"max-conns-per-ip", c.MaxConnsPerIP, 0, maxAutoConns},
	} {
		if r.v < r.lo || r.v > r.hi {
			return usageErrorf("%s %d is out of range: must be between %d and %d", src.name(r.flag), r.v, r.lo, r.hi)
		}
	}
	return nil
}

// maxJobBytes leaves room for the frame around the largest value within the
// frame limit (cluster.DefaultMaxFrame, 1MiB).
const maxJobBytes = cluster.DefaultMaxFrame - 1<<10

func (c *serveConfig) checkSizes(src sources) error {
	if c.MaxBody < 1<<10 || c.MaxBody > 1<<30 {
		return usageErrorf("%s %s is out of range: must be between 1KiB and 1GiB", src.name("max-body"), &c.MaxBody)
	}
	if c.MaxJobBytes < 1<<10 || c.MaxJobBytes > maxJobBytes {
		return usageErrorf("%s %s is out of range: must be between 1KiB and 1023KiB", src.name("max-job-bytes"),
			&c.MaxJobBytes)
	}
	if c.MaxQueuedBytes < 1<<20 || c.MaxQueuedBytes > 64<<30 {
		return usageErrorf("%s %s is out of range: must be between 1MiB and 64GiB", src.name("max-queued-bytes"),
			&c.MaxQueuedBytes)
	}
	return nil
}

func (c *serveConfig) checkDurations(src sources) error {
	for _, r := range []struct {
		flag      string
		v, lo, hi time.Duration
	}{
		{"job-timeout", c.JobTimeout, cluster.MinJobTimeout, cluster.MaxJobTimeout},
		{"shutdown-timeout", c.ShutdownTimeout, 0, maxShutdownTimeout},
		{"degraded-cooldown", c.DegradedCooldown, 0, maxDegradedCooldown},
	} {
		if r.v < r.lo || r.v > r.hi {
			return usageErrorf("%s %s is out of range: must be between %s and %s", src.name(r.flag), r.v, r.lo, r.hi)
		}
	}
	return nil
}

// checkToken accepts printable ASCII without spaces: the token travels in an HTTP
// header and a cookie, where anything else would be mangled.
func (c *serveConfig) checkToken(src sources) error {
	if len(c.Token) > maxTokenLen {
		return usageErrorf("%s is %d bytes long: at most %d", src.name("token"), len(c.Token), maxTokenLen)
	}
	for _, r := range c.Token {
		if r <= ' ' || r > '~' {
			return usageErrorf("%s may only hold printable ASCII without spaces", src.name("token"))
		}
	}
	return nil
}

// checkHosts accepts names or name:port, the way a Host header writes them: a URL
// or a path would never match one, and is surely a mistake.
func (c *serveConfig) checkHosts(src sources) error {
	for _, h := range splitHosts(c.AllowedHosts) {
		if strings.ContainsAny(h, "/ @?#") || strings.Count(h, ":") > 1 && !strings.HasPrefix(h, "[") {
			return usageErrorf("%s: %q is not a host name or host:port (e.g. panel.example.com or "+
				"panel.example.com:8443)", src.name("allowed-hosts"), h)
		}
	}
	return nil
}

// splitHosts splits the comma list of -allowed-hosts, dropping empty items.
func splitHosts(list string) []string {
	var out []string
	for _, h := range strings.Split(list, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

func (c *serveConfig) checkLog(src sources) error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return usageErrorf("%s %q: want debug, info, warn or error", src.name("log-level"), c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return usageErrorf("%s %q: want text or json", src.name("log-format"), c.LogFormat)
	}
	return nil
}

// checkExposure refuses a non-loopback address without a token: anyone who can reach
// it could run jobs, kill workers and read every result.
func (c *serveConfig) checkExposure(src sources) error {
	host, _, _ := net.SplitHostPort(c.Addr)
	if isLoopback(host) {
		return nil
	}
	if c.Token != "" && len(c.Token) < minExposedToken {
		return usageErrorf("refusing to listen on %s with a %d-character token: a token that can be "+
			"guessed protects nothing on a network. Use at least %d characters, e.g. the output of "+
			"`openssl rand -hex 16`", c.Addr, len(c.Token), minExposedToken)
	}
	if c.Token != "" {
		return nil
	}
	return usageErrorf("refusing to listen on %s (%s) without -token: anyone who can reach it could "+
		"run jobs and kill workers. Set -token (or %s), or listen on a loopback address such as 127.0.0.1:8080",
		c.Addr, src.name("addr"), envName("token"))
}

// isLoopback reports whether host only reaches this machine. An empty host means
// every interface, and a name other than localhost may resolve anywhere.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// checkExec splits -exec and checks that its program and -dir exist now, so a typo
// is a usage error at start rather than a pool of workers failing to fork.
func (c *serveConfig) checkExec(src sources) error {
	if c.Dir != "" {
		if fi, err := os.Stat(c.Dir); err != nil || !fi.IsDir() {
			return usageErrorf("%s %q: not a directory", src.name("dir"), c.Dir)
		}
	}
	if strings.TrimSpace(c.Exec) == "" {
		return nil
	}
	words, err := splitCommand(c.Exec)
	if err == nil && words[0] == "" {
		err = errors.New("empty program name")
	}
	if err != nil {
		return usageErrorf("%s %q: %v", src.name("exec"), c.Exec, err)
	}
	if err := findProgram(words[0], c.Dir); err != nil {
		return usageErrorf("%s %q: %v", src.name("exec"), c.Exec, err)
	}
	c.execCmd = words
	return nil
}

// findProgram checks a program the way exec.Command will run it: a name without a
// slash is looked up in PATH, a path is taken from dir when relative.
func findProgram(prog, dir string) error {
	if !strings.Contains(prog, "/") {
		_, err := exec.LookPath(prog)
		return err
	}
	if !filepath.IsAbs(prog) && dir != "" {
		prog = filepath.Join(dir, prog)
	}
	fi, err := os.Stat(prog)
	switch {
	case err != nil:
		return err
	case fi.IsDir() || fi.Mode()&0o111 == 0:
		return fmt.Errorf("%s is not an executable file", prog)
	}
	return nil
}
