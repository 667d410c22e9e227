package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestRestartFlagsAreChecked: each mistake in the restart flags is a usage error
// naming the flag and its range.
func TestRestartFlagsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-restart", "sometimes"}, `-restart "sometimes": want always, on-failure or never`},
		{[]string{"-restart", ""}, `-restart "": want always, on-failure or never`},
		{[]string{"-restart", "unless-stopped"}, "want always, on-failure or never"},
		{[]string{"-restart-backoff", "0s"}, "-restart-backoff 0s is out of range"},
		{[]string{"-restart-backoff", "2s", "-restart-max-backoff", "1s"}, "-restart-max-backoff 1s is out of range: must be between 2s and 24h0m0s"},
		{[]string{"-restart-window", "10ms"}, "-restart-window 10ms is out of range"},
		{[]string{"-max-restarts", "0"}, "-max-restarts 0 is out of range: must be between 1 and 10000"},
		{[]string{"-max-memory", "512KiB"}, "-max-memory 512KiB is out of range: must be between 1MiB and 1024GiB, or 0"},
		{[]string{"-max-memory", "200MB"}, "want a number of bytes"},
	} {
		_, err := parseServe(append([]string{"-workers", "1"}, tc.args...), noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
	_, err := parseServe([]string{"-workers", "1"}, func(k string) string {
		return map[string]string{"GOCLUSTER_RESTART": "maybe"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), `GOCLUSTER_RESTART "maybe"`) {
		t.Errorf("environment: %v", err)
	}
}

// TestRestartFlagsReachThePool: the flags become the pool's RestartPolicy, and
// without them the policy is the library's default.
func TestRestartFlagsReachThePool(t *testing.T) {
	cfg, err := parseServe([]string{"-workers", "1", "-restart", "on-failure", "-restart-backoff", "250ms",
		"-restart-max-backoff", "20s", "-max-restarts", "7", "-restart-window", "2m", "-max-memory", "200MiB",
		"-degraded-cooldown", "1m"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := poolOptions(cfg, nil, nil).Restart
	want := cluster.RestartPolicy{When: cluster.RestartOnFailure, Backoff: 250 * time.Millisecond,
		MaxBackoff: 20 * time.Second, CrashLoopLimit: 7, CrashLoopWindow: 2 * time.Minute,
		StableAfter: 30 * time.Second, MaxMemory: 200 << 20, DegradedCooldown: time.Minute}
	if got != want {
		t.Fatalf("policy %+v, want %+v", got, want)
	}

	cfg, err = parseServe([]string{"-workers", "1"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	// The flags' defaults are the library's, so a serve without them behaves as
	// before they existed.
	lib := cluster.Options{}.Restart
	def := poolOptions(cfg, nil, nil).Restart
	def.DegradedCooldown = 0
	lib.When, lib.Backoff, lib.MaxBackoff, lib.CrashLoopLimit, lib.CrashLoopWindow, lib.StableAfter =
		cluster.RestartAlways, 100*time.Millisecond, 10*time.Second, 5, time.Minute, 30*time.Second
	if def != lib {
		t.Fatalf("default policy %+v, want %+v", def, lib)
	}
}

// TestRestartFlagsFromConfigFile: the config file names the flags as keys.
func TestRestartFlagsFromConfigFile(t *testing.T) {
	path := writeConfig(t, `
restart = "never"
restart-backoff = "1s"
restart-max-backoff = "1m"
max-restarts = 3
restart-window = "5m"
max-memory = "1GiB"
`)
	cfg, err := parseServe([]string{"-config", path, "-workers", "1"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Restart
	if r.When != "never" || r.Backoff != time.Second || r.MaxBackoff != time.Minute || r.Max != 3 ||
		r.Window != 5*time.Minute || r.MaxMemory != 1<<30 {
		t.Fatalf("config not applied: %+v", r)
	}
	if _, err := parseServe([]string{"-config", writeConfig(t, `restart = "sometimes"`)}, noEnv); err == nil ||
		!strings.Contains(err.Error(), "want always, on-failure or never") {
		t.Fatalf("bad restart in the file: %v", err)
	}
}

// TestServeRestartNeverShrinksThePool runs the real binary with two plain programs
// that exit with code 0 under -restart on-failure: neither is restarted, the pool
// shrinks to 0, and the exit events say why.
func TestServeRestartNeverShrinksThePool(t *testing.T) {
	_, base := serveBin(t, nil, "-workers", "2", "-exec", "sh -c 'exit 0'", "-protocol", "none",
		"-restart", "on-failure")
	deadline := time.Now().Add(time.Minute)
	for {
		body, code := request(t, "GET", base+"/api/pool", "")
		var p struct {
			Size    int               `json:"size"`
			Workers []json.RawMessage `json:"workers"`
		}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &p) != nil {
			t.Fatalf("GET /api/pool: %d %s", code, body)
		}
		if p.Size == 0 && len(p.Workers) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pool did not shrink to 0: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	body, code := request(t, "GET", base+"/api/events?since=0", "")
	var evs []cluster.Event
	if code != http.StatusOK || json.Unmarshal([]byte(body), &evs) != nil {
		t.Fatalf("GET /api/events: %d %s", code, body)
	}
	exits := 0
	for _, ev := range evs {
		if ev.Type != cluster.EventExit {
			continue
		}
		exits++
		if ev.Restarting == nil || *ev.Restarting || !strings.Contains(ev.Detail, `not restarted (restart policy "on-failure")`) {
			t.Errorf("exit event %+v", ev)
		}
	}
	if exits != 2 {
		t.Fatalf("%d exit events, want 2: %s", exits, body)
	}
}
