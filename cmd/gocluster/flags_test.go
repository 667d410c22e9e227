package main

import (
	"errors"
	"flag"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for parseServe.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

func TestParseServeDefaults(t *testing.T) {
	cfg, err := parseServe(nil, env())
	if err != nil {
		t.Fatal(err)
	}
	want := serveConfig{Addr: "127.0.0.1:8080", Workers: runtime.NumCPU(), MaxWorkers: max(64, 4*runtime.NumCPU()), Standby: defaultStandby,
		MaxBody: 1 << 20, MaxConnsPerIP: 64, MaxJobsPerList: 1_000_000, MaxQueued: 2_000_000, MaxQueuedBytes: 512 << 20,
		MaxJobBytes: 64 << 10, JobTimeout: time.Minute, MaxAttempts: 3, Prefetch: 0, History: 100, ShutdownTimeout: 30 * time.Second,
		DegradedCooldown: 30 * time.Second, LogLevel: "info", LogFormat: "text",
		LogLines: 1000, LogMaxSize: 10 << 20,
		Supervise: superviseConfig{Protocol: "gocluster", StartTimeout: time.Minute, DrainTimeout: 30 * time.Second},
		Restart: restartConfig{When: "always", Backoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second, Max: 5,
			Window: time.Minute},
		Data: dataConfig{Dir: "gocluster-data", Retain: retainValue{age: 30 * 24 * time.Hour, lists: 10000}}}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("defaults\n got %+v\nwant %+v", cfg, want)
	}
}

func TestParseServeEnvironment(t *testing.T) {
	cfg, err := parseServe([]string{"-workers", "2", "-read-only=false"}, env(
		"GOCLUSTER_WORKERS=7", "GOCLUSTER_READ_ONLY=true", "GOCLUSTER_MAX_BODY=2MiB", "GOCLUSTER_TOKEN=abcdefghijklmnop",
		"GOCLUSTER_ADDR=0.0.0.0:9000", "GOCLUSTER_SHUTDOWN_TIMEOUT=5s", "GOCLUSTER_METRICS_PUBLIC=1",
		"GOCLUSTER_LOG_LEVEL=", // empty counts as unset
	))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers != 2 || cfg.ReadOnly {
		t.Errorf("flags must win over the environment: %+v", cfg)
	}
	if cfg.MaxBody != 2<<20 || cfg.Token != "abcdefghijklmnop" || cfg.Addr != "0.0.0.0:9000" ||
		cfg.ShutdownTimeout != 5*time.Second || !cfg.MetricsPublic || cfg.LogLevel != "info" {
		t.Errorf("environment not applied: %+v", cfg)
	}
}

func TestParseServeHelp(t *testing.T) {
	if _, err := parseServe([]string{"-h"}, env()); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
}

// TestDegradedCooldownFlag: 0 on the command line means never retry, which the
// policy spells as a negative cool-down (its 0 is the default).
func TestDegradedCooldownFlag(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want time.Duration
	}{{"0", -1}, {"5s", 5 * time.Second}} {
		cfg, err := parseServe([]string{"-degraded-cooldown", c.arg}, env())
		if err != nil {
			t.Fatal(err)
		}
		if got := poolOptions(cfg, nil, nil).Restart.DegradedCooldown; got != c.want {
			t.Errorf("-degraded-cooldown %s: policy cool-down %s, want %s", c.arg, got, c.want)
		}
	}
}
