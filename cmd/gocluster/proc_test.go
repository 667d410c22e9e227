package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/internal/proctest"
)

// output collects a process's stdout and stderr; tests read it while it runs.
type output struct{ proctest.Buffer }

func (o *output) lines() []string { return o.Lines() }

// waitMatch polls for re in the output and returns its submatches.
func (o *output) waitMatch(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // whole processes start under -race
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(o.String()); m != nil {
			return m
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; output:\n%s", re, o)
	return nil
}

// proc is the gocluster binary running as a real process.
type proc struct {
	cmd  *exec.Cmd
	out  output
	done chan struct{}
	err  error // set before done closes
}

// startBin starts the binary with extra environment; the test's cleanup kills it if
// it is still running.
func startBin(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(cleanEnv(), env...)
	return startCmd(t, cmd, "gocluster "+strings.Join(args, " "))
}

// startCmd starts cmd with its output captured; the test's cleanup kills it if it is
// still running, and shows its output (under label) if the test failed.
func startCmd(t *testing.T, cmd *exec.Cmd, label string) *proc {
	t.Helper()
	p := &proc{cmd: cmd, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("output of %s:\n%s", label, &p.out)
		}
	})
	return p
}

// cleanEnv is this environment without GOCLUSTER_ variables, so a setting of the
// person running the tests cannot change them, and with GOCLUSTER_EPHEMERAL: no
// serve of a test writes a history into the source tree (a test that wants one
// passes GOCLUSTER_EPHEMERAL=false and -data in a t.TempDir).
func cleanEnv() []string {
	env := []string{"GOCLUSTER_EPHEMERAL=true"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOCLUSTER_") {
			env = append(env, kv)
		}
	}
	return env
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("gocluster still running after %s; output:\n%s", timeout, &p.out)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// runBin runs the binary to completion and returns its output and exit code.
func runBin(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	p := startBin(t, env, args...)
	code := p.wait(t, 60*time.Second)
	return p.out.String(), code
}

var rePanel = regexp.MustCompile(`gocluster panel: http://(\S+)/\n`)

// serveBin starts `gocluster serve` and returns it with its base URL.
func serveBin(t *testing.T, env []string, args ...string) (*proc, string) {
	t.Helper()
	p := startBin(t, env, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	return p, "http://" + p.out.waitMatch(t, rePanel)[1]
}

// signal sends sig to the process.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// pool is the part of GET /api/pool the tests read.
type pool struct {
	Size    int `json:"size"`
	Workers []struct {
		ID    int    `json:"id"`
		PID   int    `json:"pid"`
		State string `json:"state"`
	} `json:"workers"`
	Queue struct {
		Pending int `json:"pending"`
		Running int `json:"running"`
	} `json:"queue"`
}

func getPool(t *testing.T, base string) pool {
	t.Helper()
	var p pool
	body, code := request(t, "GET", base+"/api/pool", "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/pool: %d %s", code, body)
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("GET /api/pool: %v: %s", err, body)
	}
	return p
}

// waitPool polls GET /api/pool until cond holds.
func waitPool(t *testing.T, base, what string, cond func(pool) bool) pool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // whole processes start under -race
	for {
		p := getPool(t, base)
		if cond(p) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; pool %+v", what, p)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// request sends a request with a JSON body (if any) and returns the body and status.
func request(t *testing.T, method, url, body string) (string, int) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}

// alive reports whether pid is a running process; a zombie counts as dead, because
// the container's init may reap orphans late.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] != 'Z'
}

// waitGone polls until none of pids is alive, failing after within.
func waitGone(t *testing.T, pids []int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for _, pid := range pids {
		for alive(pid) {
			if time.Since(start) > within {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("worker pid %d still alive %s later", pid, within)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return time.Since(start)
}

func pidsOf(p pool) []int {
	var pids []int
	for _, w := range p.Workers {
		pids = append(pids, w.PID)
	}
	return pids
}
