package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeExecRunsAnotherProgram serves the Python test worker of package cluster
// with -exec, from -dir, with an -env variable: the workers are python processes in
// that directory with that variable, and a fib list sent over HTTP comes back right.
func TestServeExecRunsAnotherProgram(t *testing.T) {
	requirePython(t)
	p, base := serveBin(t, nil, "-workers", "2", "-exec", "python3 'worker.py'", "-dir", "../../cluster/testdata",
		"-env", "GREETING=hello world", "-env", "LESSON=two")
	pl := waitPool(t, base, "two python workers online", func(p pool) bool {
		if len(p.Workers) != 2 {
			return false
		}
		for _, w := range p.Workers {
			if w.State != "idle" {
				return false
			}
		}
		return true
	})
	for _, w := range pl.Workers {
		cmdline, _ := os.ReadFile("/proc/" + itoa(w.PID) + "/cmdline")
		if args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00"); len(args) != 2 ||
			!strings.HasPrefix(filepath.Base(args[0]), "python3") || args[1] != "worker.py" {
			t.Errorf("worker %d runs %q, want python3 worker.py", w.ID, args)
		}
		environ, _ := os.ReadFile("/proc/" + itoa(w.PID) + "/environ")
		for _, kv := range []string{"GREETING=hello world", "LESSON=two", "GOCLUSTER_WORKER_ID=" + itoa(w.ID)} {
			if !strings.Contains("\x00"+string(environ)+"\x00", "\x00"+kv+"\x00") {
				t.Errorf("worker %d's environment lacks %q", w.ID, kv)
			}
		}
		if cwd, err := os.Readlink("/proc/" + itoa(w.PID) + "/cwd"); err != nil || !strings.HasSuffix(cwd, "/cluster/testdata") {
			t.Errorf("worker %d works in %q (%v), want cluster/testdata", w.ID, cwd, err)
		}
	}
	body, code := request(t, "POST", base+"/api/batches?wait=60s", `{"kind":"fib","inputs":[20,10,1,0,25]}`)
	if code != http.StatusCreated {
		t.Fatalf("POST /api/batches: %d %s", code, body)
	}
	var b struct {
		State string `json:"state"`
		Jobs  []struct {
			Result json.RawMessage `json:"result"`
		} `json:"jobs"`
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range b.Jobs {
		got = append(got, string(j.Result))
	}
	if b.State != "done" || strings.Join(got, " ") != "6765 55 1 0 75025" {
		t.Errorf("list %s with results %v, want done with 6765 55 1 0 75025:\n%s", b.State, got, body)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestServeExecMistakesAreUsageErrors: a program that is not there, an unbalanced
// quote, a missing -dir or a reserved -env name stop serve before it forks.
// TestEnvVariableTakesSeveralEntries: GOCLUSTER_ENV holds one NAME=value per line,
// and -exec given as GOCLUSTER_EXEC is split like the flag.
func TestEnvVariableTakesSeveralEntries(t *testing.T) {
	cfg, err := parseServe(nil, env("GOCLUSTER_ENV=A=1\nB=two words", "GOCLUSTER_EXEC=python3 \"my worker.py\""))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Env, "|") != "A=1|B=two words" || strings.Join(cfg.execCmd, "|") != "python3|my worker.py" {
		t.Errorf("env %q, exec %q", cfg.Env, cfg.execCmd)
	}
}

func TestServeExecMistakesAreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-exec", "no-such-program-xyz arg"}, "no-such-program-xyz"},
		{[]string{"-exec", "python3 'worker.py"}, "unterminated single quote"},
		{[]string{"-exec", "./missing.py", "-dir", "../../cluster/testdata"}, "missing.py"},
		{[]string{"-exec", "python3 worker.py", "-dir", "/no/such/dir"}, "not a directory"},
		{[]string{"-env", "GOCLUSTER_IPC_FD=9"}, "set by gocluster"},
		{[]string{"-env", "novalue"}, "NAME=value"},
	} {
		out, code := runBin(t, nil, append([]string{"serve", "-addr", "127.0.0.1:0"}, tc.args...)...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("serve %q: exit %d, want 2 and %q in:\n%s", tc.args, code, tc.want, out)
		}
	}
}

// requirePython skips a test that needs python3 when it is missing, unless
// GOCLUSTER_REQUIRE_PYTHON=1 (CI, which installs it) makes that a failure.
func requirePython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("GOCLUSTER_REQUIRE_PYTHON") == "1" {
			t.Fatal("python3 is required (GOCLUSTER_REQUIRE_PYTHON=1) but not found")
		}
		t.Skip("python3 not installed")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
