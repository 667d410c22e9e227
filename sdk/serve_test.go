package sdk_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/internal/proctest"
)

// deadline bounds every wait: generous, because the machine running the tests is
// shared with other test runs.
const deadline = 60 * time.Second

// requireTools skips the test when a tool is missing, or fails it when env (as
// .ci/run sets it) says the tools must be there: in CI a skip would hide that the
// worker was never tested.
func requireTools(t *testing.T, env string, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " is not installed (Debian: apt-get install " + debianPackage(tool) + "): this worker was not tested"
			if os.Getenv(env) == "1" {
				t.Fatalf("%s, and %s=1 requires it", msg, env)
			}
			t.Skip(msg)
		}
	}
}

func debianPackage(tool string) string {
	if tool == "node" {
		return "nodejs"
	}
	return tool
}

// server is a running `gocluster serve`.
type server struct {
	base string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

var rePanel = regexp.MustCompile(`gocluster panel: http://(\S+)/\n`)

// serve starts `gocluster serve` on a free loopback port with -exec command, run from
// the repository's root; it is stopped (SIGTERM, then SIGKILL) when the test ends.
func serve(t *testing.T, command string, args ...string) *server {
	t.Helper()
	all := append([]string{"serve", "-addr", "127.0.0.1:0", "-exec", command, "-dir", repoRoot}, args...)
	s := &server{cmd: exec.Command(binPath, all...), out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd.Env = cleanEnv()
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.stop(t) })
	until(t, "gocluster serve prints its address", func() bool {
		if m := rePanel.FindStringSubmatch(s.out.String()); m != nil {
			s.base = "http://" + m[1]
			return true
		}
		return false
	})
	return s
}

func (s *server) stop(t *testing.T) {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(deadline):
		s.cmd.Process.Kill()
		<-s.done
		t.Errorf("gocluster serve did not stop on SIGTERM")
	}
	if t.Failed() {
		t.Logf("output of gocluster serve:\n%s", s.out)
	}
}

// cleanEnv is this environment without GOCLUSTER_ variables, so a setting of the
// person running the tests cannot change them.
func cleanEnv() []string {
	env := []string{"GOCLUSTER_EPHEMERAL=true"} // no history in the source tree
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOCLUSTER_") {
			env = append(env, kv)
		}
	}
	return env
}

// until polls cond until it holds, failing the test after the deadline.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// call sends a request with a JSON body (none if body is nil), and decodes the JSON
// answer into out (if not nil); it returns the status and the raw answer.
func (s *server) call(t *testing.T, method, path string, body, out any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, string(raw)
}

type pool struct {
	Workers []struct {
		ID    int    `json:"id"`
		PID   int    `json:"pid"`
		State string `json:"state"`
	} `json:"workers"`
}

// waitOnline waits until the pool has n workers, all online, and returns it.
func (s *server) waitOnline(t *testing.T, n int) pool {
	t.Helper()
	var p pool
	until(t, "the pool has its workers online", func() bool {
		p = pool{}
		s.call(t, http.MethodGet, "/api/pool", nil, &p)
		ok := len(p.Workers) == n
		for _, w := range p.Workers {
			ok = ok && (w.State == "idle" || w.State == "busy")
		}
		return ok
	})
	return p
}

type job struct {
	Input     json.RawMessage `json:"input"`
	State     string          `json:"state"`
	Result    json.RawMessage `json:"result"`
	Error     string          `json:"error"`
	ErrorData json.RawMessage `json:"error_data"`
	Attempts  int             `json:"attempts"`
}

type batch struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Jobs    []job  `json:"jobs"`
	Summary struct {
		Total, Done, Failed, Canceled int
	} `json:"summary"`
}

// submit posts a job list and waits (?wait=) until it is done.
func (s *server) submit(t *testing.T, kind string, inputs []any) batch {
	t.Helper()
	var b batch
	code, raw := s.call(t, http.MethodPost, "/api/batches?wait=60s", map[string]any{"kind": kind, "inputs": inputs}, &b)
	if code != http.StatusCreated {
		t.Fatalf("POST /api/batches: %d %s", code, raw)
	}
	if b.State != "done" {
		t.Fatalf("the list is %q after the wait, want done: %s", b.State, raw)
	}
	if len(b.Jobs) != len(inputs) {
		t.Fatalf("%d jobs in the answer, want %d: %s", len(b.Jobs), len(inputs), raw)
	}
	return b
}

type event struct {
	Seq    uint64 `json:"seq"`
	Type   string `json:"type"`
	Worker int    `json:"worker"`
	Error  string `json:"error"`
}

func (s *server) events(t *testing.T) []event {
	t.Helper()
	var evs []event
	if code, raw := s.call(t, http.MethodGet, "/api/events?since=0", nil, &evs); code != http.StatusOK {
		t.Fatalf("GET /api/events: %d %s", code, raw)
	}
	return evs
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the test's reads.
type syncBuffer = proctest.Buffer
