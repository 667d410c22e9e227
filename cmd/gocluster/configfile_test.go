package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeConfig writes text as a config file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gocluster.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigFileSetsEveryKind(t *testing.T) {
	path := writeConfig(t, `
workers = 3
max-workers = 8
read-only = true
max-body = "2MiB"
shutdown-timeout = "5s"
exec = "sh -c 'exit 0'"
log-lines = 50
[env]
B = "two words"
A = "1"
`)
	cfg, err := parseServe([]string{"-config", path}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers != 3 || cfg.MaxWorkers != 8 || !cfg.ReadOnly || cfg.MaxBody != 2<<20 ||
		cfg.ShutdownTimeout != 5*time.Second || cfg.LogLines != 50 || !slices.Equal(cfg.execCmd, []string{"sh", "-c", "exit 0"}) {
		t.Errorf("config not applied: %+v", cfg)
	}
	if !slices.Equal(cfg.Env, envList{"A=1", "B=two words"}) {
		t.Errorf("env table: %q", cfg.Env)
	}
}

// TestConfigPrecedence: flag > environment > file > default.
func TestConfigPrecedence(t *testing.T) {
	path := writeConfig(t, "workers = 3\nhistory = 7\nprefetch = 5\nenv = [\"FROM=file\"]\n")
	env := map[string]string{"GOCLUSTER_HISTORY": "9", "GOCLUSTER_WORKERS": "2", "GOCLUSTER_CONFIG": path}
	cfg, err := parseServe([]string{"-workers", "1"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Workers != 1 || cfg.History != 9 || cfg.Prefetch != 5 || cfg.MaxAttempts != 3 {
		t.Errorf("workers %d (flag 1), history %d (env 9), prefetch %d (file 5), max-attempts %d (default 3)",
			cfg.Workers, cfg.History, cfg.Prefetch, cfg.MaxAttempts)
	}
	if !slices.Equal(cfg.Env, envList{"FROM=file"}) {
		t.Errorf("env from the file: %q", cfg.Env)
	}
}

func TestConfigFileErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"wrokers = 2", `unknown key "wrokers"`},
		{"config = \"other.toml\"", `unknown key "config"`},
		{"workers = \"many\"", "workers"},
		{"workers = 1.5", "does not fit"},
		{"read-only = \"yes\"", "want true or false"},
		{"addr = [\"a\", \"b\"]", "does not fit"},
		{"env = [1]", "item 1"},
		{"env = [\"GOCLUSTER_WORKER_ID=1\"]", "set by gocluster"},
		{"workers = 99999", ": workers 99999 is out of range"},
		{"not toml at all", "config file"},
		{strings.Repeat("a.", 20000) + "a = 1", "more than 64 dotted parts"},
		{"# " + strings.Repeat("x", 1<<20), "larger than 1048576 bytes"},
	} {
		path := writeConfig(t, tc.text)
		_, err := parseServe([]string{"-config", path}, func(string) string { return "" })
		var ue *usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want a usage error containing %q", tc.text, err, tc.want)
		}
	}
	_, err := parseServe([]string{"-config", filepath.Join(t.TempDir(), "missing.toml")}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestServeFromConfigFile runs the real binary with its pool described by a file.
func TestServeFromConfigFile(t *testing.T) {
	path := writeConfig(t, "workers = 2\nmax-workers = 3\nlog-lines = 10\n")
	_, base := serveBin(t, nil, "-config", path)
	waitPool(t, base, "the file's two workers", func(p pool) bool { return len(p.Workers) == 2 })
	if body, code := request(t, "PUT", base+"/api/pool", `{"size":4}`); code != 400 {
		t.Errorf("size 4 beyond the file's max-workers 3: %d %s", code, body)
	}
}
