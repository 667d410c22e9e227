package sdk_test

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The wordcount workers: the two SDK examples and the shell worker written from
// docs/protocol.md alone. Each is served on 2 workers and must answer alike.
var wordcountWorkers = []struct {
	name, exec, requireEnv string
	tools                  []string
}{
	{"python", "python3 sdk/python/example.py", "GOCLUSTER_REQUIRE_PYTHON", []string{"python3"}},
	{"node", "node sdk/node/example.js", "GOCLUSTER_REQUIRE_NODE", []string{"node"}},
	{"shell", "bash sdk/shell/worker.sh", "GOCLUSTER_REQUIRE_JQ", []string{"bash", "jq"}},
}

// TestWordcountWorkers serves each wordcount worker, checks GET /api/kinds, and sends
// a JSON list with ?wait=: every job comes back done with the right count, and an
// input that is not a string fails its job without costing a worker.
func TestWordcountWorkers(t *testing.T) {
	for _, w := range wordcountWorkers {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			requireTools(t, w.requireEnv, w.tools...)
			s := serve(t, w.exec, "-workers", "2")
			before := s.waitOnline(t, 2)
			checkKinds(t, s)
			inputs, want := wordcountInputs(30)
			b := s.submit(t, "wordcount", inputs)
			for i, j := range b.Jobs {
				if j.State != "done" || string(j.Result) != strconv.Itoa(want[i]) {
					t.Errorf("job %d (%s): %s %s %q, want done %d", i, j.Input, j.State, j.Result, j.Error, want[i])
				}
			}
			b = s.submit(t, "wordcount", []any{"one two", 42, "three"})
			if j := b.Jobs[1]; j.State != "failed" || j.Error == "" || j.Attempts != 1 {
				t.Errorf("wordcount of 42: %s %q after %d attempts, want failed with a reason, once", j.State, j.Error, j.Attempts)
			}
			if b.Jobs[0].State != "done" || b.Jobs[2].State != "done" {
				t.Errorf("the jobs around the bad input: %+v", b.Jobs)
			}
			if after := s.waitOnline(t, 2); after.Workers[0].ID != before.Workers[0].ID || after.Workers[1].ID != before.Workers[1].ID {
				t.Errorf("workers changed from %+v to %+v: a failed job must not cost a worker", before, after)
			}
			code, raw := s.call(t, http.MethodPost, "/api/batches", map[string]any{"kind": "fib", "inputs": []int{1}}, nil)
			if code != http.StatusBadRequest || !strings.Contains(raw, "unknown_kind") || !strings.Contains(raw, "wordcount") {
				t.Errorf("a list of fib, which these workers do not serve: %d %s, want 400 unknown_kind naming wordcount", code, raw)
			}
		})
	}
}

// checkKinds: GET /api/kinds and the panel list what the worker's hello declared.
func checkKinds(t *testing.T, s *server) {
	t.Helper()
	var k struct {
		Kinds []struct {
			Name    string          `json:"name"`
			Doc     string          `json:"doc"`
			Example json.RawMessage `json:"example"`
		} `json:"kinds"`
	}
	if code, raw := s.call(t, http.MethodGet, "/api/kinds", nil, &k); code != http.StatusOK {
		t.Errorf("GET /api/kinds: %d %s", code, raw)
		return
	}
	if len(k.Kinds) != 1 || k.Kinds[0].Name != "wordcount" || k.Kinds[0].Doc != "counts words in a string" ||
		string(k.Kinds[0].Example) != `"to be or not"` {
		t.Errorf("GET /api/kinds: %+v, want wordcount with its doc and example", k.Kinds)
	}
	// The panel's kind selector offers it, with its doc.
	code, page := s.call(t, http.MethodGet, "/", nil, nil)
	if code != http.StatusOK || !strings.Contains(page, `value="wordcount"`) || !strings.Contains(page, `data-doc="counts words in a string"`) {
		t.Errorf("GET /: %d, the kind selector does not offer wordcount with its doc", code)
	}
}

// wordcountInputs makes n strings of known word counts, with varied spacing and
// non-ASCII words, and the counts.
func wordcountInputs(n int) ([]any, []int) {
	words := []string{"to", "be", "or", "not", "ünïcode", "日本", "x"}
	spaces := []string{" ", "  ", "\t", "\n", " \t "}
	var inputs []any
	var want []int
	for i := range n {
		var b strings.Builder
		count := i % 9
		for w := range count {
			b.WriteString(spaces[(i+w)%len(spaces)])
			b.WriteString(words[(i*w+w)%len(words)])
		}
		if i%2 == 0 {
			b.WriteString(" ")
		}
		inputs, want = append(inputs, b.String()), append(want, count)
	}
	return inputs, want
}

// TestPythonExceptionFailsTheJob: a job that raises ends failed with the exception's
// message, and error_data names its type.
func TestPythonExceptionFailsTheJob(t *testing.T) {
	t.Parallel()
	requireTools(t, "GOCLUSTER_REQUIRE_PYTHON", "python3")
	s := serve(t, "python3 sdk/python/testdata/kinds.py", "-workers", "2")
	s.waitOnline(t, 2)
	b := s.submit(t, "raise", []any{"the input was bad", "again"})
	for i, msg := range []string{"the input was bad", "again"} {
		j := b.Jobs[i]
		if j.State != "failed" || j.Error != msg || string(j.ErrorData) != `{"type":"ValueError"}` || j.Attempts != 1 {
			t.Errorf("job %d: %s, error %q, error_data %s, %d attempts; want failed, %q, {\"type\":\"ValueError\"}, 1",
				i, j.State, j.Error, j.ErrorData, j.Attempts, msg)
		}
	}
	b = s.submit(t, "echo", []any{map[string]any{"nested": []any{1, "two", nil, true}}})
	if got := string(b.Jobs[0].Result); got != `{"nested":[1,"two",null,true]}` {
		t.Errorf("echo of an object: %s", got)
	}
}

// TestGarbageOnTheIPCChannel: a worker that writes a line that is not JSON on fd 3
// gets a worker.error naming the problem and is replaced; the list still ends with
// every job done or failed exactly once (the garbage job fails after its attempts).
func TestGarbageOnTheIPCChannel(t *testing.T) {
	t.Parallel()
	requireTools(t, "GOCLUSTER_REQUIRE_PYTHON", "python3")
	s := serve(t, "python3 sdk/python/testdata/kinds.py", "-workers", "2")
	s.waitOnline(t, 2)
	inputs := []any{}
	for i := range 20 {
		inputs = append(inputs, i)
	}
	inputs[7] = "garbage"
	b := s.submit(t, "garbage", inputs)
	for i, j := range b.Jobs {
		switch {
		case i == 7 && (j.State != "failed" || j.Attempts != 3 || !strings.Contains(j.Error, "attempt 3 of 3")):
			t.Errorf("the garbage job: %s after %d attempts (%q), want failed after 3", j.State, j.Attempts, j.Error)
		case i != 7 && (j.State != "done" || string(j.Result) != strconv.Itoa(i)):
			t.Errorf("job %d: %s %s %q, want done %d", i, j.State, j.Result, j.Error, i)
		}
	}
	if b.Summary.Done+b.Summary.Failed != len(inputs) || b.Summary.Failed != 1 {
		t.Errorf("summary %+v, want %d done and 1 failed", b.Summary, len(inputs)-1)
	}
	var errs []string
	for _, e := range s.events(t) {
		if e.Type == "worker.error" {
			errs = append(errs, e.Error)
			if !strings.Contains(e.Error, "malformed frame") {
				t.Errorf("worker.error %q does not name the problem (malformed frame)", e.Error)
			}
		}
	}
	t.Logf("worker.error events: %q; the garbage job: %q", errs, b.Jobs[7].Error)
	if len(errs) != 3 {
		t.Errorf("%d worker.error events %q, want one per attempt (3)", len(errs), errs)
	}
	s.waitOnline(t, 2) // replaced
}

// TestSDKUnitTests runs the SDKs' own tests (python unittest, node --test), so that
// make test covers them.
func TestSDKUnitTests(t *testing.T) {
	for _, c := range []struct {
		name, env, tool string
		args            []string
	}{
		{"python", "GOCLUSTER_REQUIRE_PYTHON", "python3", []string{"-m", "unittest", "discover", "-s", "python"}},
		{"node", "GOCLUSTER_REQUIRE_NODE", "node", []string{"--test", "node/"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			requireTools(t, c.env, c.tool)
			cmd := exec.Command(c.tool, c.args...)
			cmd.Env = append(cleanEnv(), "PYTHONDONTWRITEBYTECODE=1")
			done := make(chan struct{})
			var out []byte
			var err error
			go func() { out, err = cmd.CombinedOutput(); close(done) }()
			select {
			case <-done:
			case <-time.After(3 * deadline):
				cmd.Process.Kill()
				<-done
				t.Fatalf("%s %s still running after %s:\n%s", c.tool, strings.Join(c.args, " "), 3*deadline, out)
			}
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", c.tool, strings.Join(c.args, " "), err, out)
			}
		})
	}
}
