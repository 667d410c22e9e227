package main

import (
	"strings"
	"testing"
	"time"
)

// TestDemoFlagsReadTheEnvironment: every demo flag not given comes from its
// GOCLUSTER_ variable, and a flag on the command line wins.
func TestDemoFlagsReadTheEnvironment(t *testing.T) {
	fib, err := parseDemoFib([]string{"20"}, env("GOCLUSTER_WORKERS=3", "GOCLUSTER_COMPARE=true"))
	if err != nil || fib.Workers != 3 || !fib.Compare || len(fib.Inputs) != 1 {
		t.Errorf("fib from the environment: %+v, %v", fib, err)
	}
	if fib, err = parseDemoFib(nil, env()); err != nil || !fib.Compare {
		t.Errorf("the demo must measure the speedup by default: %+v, %v", fib, err)
	}
	fib, err = parseDemoFib([]string{"-workers", "2", "-compare=false"}, env("GOCLUSTER_WORKERS=3", "GOCLUSTER_COMPARE=1"))
	if err != nil || fib.Workers != 2 || fib.Compare {
		t.Errorf("flags must win over the environment: %+v, %v", fib, err)
	}
	h, err := parseDemoHTTP(nil, env("GOCLUSTER_ADDR=127.0.0.1:0", "GOCLUSTER_DURATION=3s", "GOCLUSTER_WORKERS="))
	if err != nil || h.Addr != "127.0.0.1:0" || h.Duration != 3*time.Second || h.Workers != 0 {
		t.Errorf("http from the environment: %+v, %v", h, err)
	}
	if h.Quiet {
		t.Errorf("the http demo's workers must report each request by default: %+v", h)
	}
	if h, err = parseDemoHTTP([]string{"-notify=false"}, env()); err != nil || !h.Quiet {
		t.Errorf("-notify=false: %+v, %v", h, err)
	}
	if h, err = parseDemoHTTP(nil, env("GOCLUSTER_NOTIFY=false")); err != nil || !h.Quiet {
		t.Errorf("GOCLUSTER_NOTIFY=false: %+v, %v", h, err)
	}
	r, err := parseDemoRestart(nil, env("GOCLUSTER_DURATION=2s", "GOCLUSTER_WORKERS=4"))
	if err != nil || r.Duration != 2*time.Second || r.Workers != 4 {
		t.Errorf("restart from the environment: %+v, %v", r, err)
	}
}

// TestDemoEnvironmentErrors: a bad variable is a usage error that names it.
func TestDemoEnvironmentErrors(t *testing.T) {
	for _, c := range []struct {
		demo string
		env  string
		want string
	}{
		{"fib", "GOCLUSTER_WORKERS=abc", `demo fib: environment variable GOCLUSTER_WORKERS="abc"`},
		{"fib", "GOCLUSTER_WORKERS=65", "demo fib: GOCLUSTER_WORKERS 65 is out of range: must be between 0 (one per CPU) and 64"},
		{"fib", "GOCLUSTER_COMPARE=maybe", `environment variable GOCLUSTER_COMPARE="maybe"`},
		{"http", "GOCLUSTER_ADDR=nope", `demo http: GOCLUSTER_ADDR "nope": address nope: missing port in address`},
		{"http", "GOCLUSTER_DURATION=-1s", "demo http: GOCLUSTER_DURATION -1s is negative"},
		{"http", "GOCLUSTER_DURATION=soon", `environment variable GOCLUSTER_DURATION="soon"`},
		{"restart", "GOCLUSTER_DURATION=0s", "demo restart: GOCLUSTER_DURATION 0s must be positive"},
		{"restart", "GOCLUSTER_WORKERS=-1", "GOCLUSTER_WORKERS -1 is out of range"},
	} {
		var err error
		switch c.demo {
		case "fib":
			_, err = parseDemoFib(nil, env(c.env))
		case "http":
			_, err = parseDemoHTTP(nil, env(c.env))
		case "restart":
			_, err = parseDemoRestart(nil, env(c.env))
		}
		if _, usage := err.(*usageError); !usage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("demo %s with %s: %v; want a usage error containing %q", c.demo, c.env, err, c.want)
		}
	}
}
