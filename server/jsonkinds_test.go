package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// envTestKinds set to "json" makes the test binary's workers serve jsonRegistry.
const envTestKinds = "GOCLUSTER_TEST_KINDS"

var jsonKindsEnv = []string{envTestKinds + "=json"}

// jsonRegistry is the built-in kinds plus wordcount (a string in, {"words":n} out)
// and blob (n in, a string of n bytes out), served by the workers of jsonPool.
func jsonRegistry() *jobs.Registry {
	r := jobs.Builtin()
	for _, k := range []jobs.JSONKind{
		{Name: "wordcount", Doc: "counts words in a string", Example: "to be or not",
			Run: func(_ context.Context, in json.RawMessage) (any, error) {
				var s string
				if err := json.Unmarshal(in, &s); err != nil {
					return nil, jobs.Fail("wordcount takes a string", map[string]string{"got": string(in)})
				}
				return map[string]int{"words": len(strings.Fields(s))}, nil
			}},
		{Name: "blob", Doc: "a string of n bytes",
			Run: func(_ context.Context, in json.RawMessage) (any, error) {
				n, err := jobs.IntInput(in)
				return strings.Repeat("b", int(n)), err
			}},
	} {
		if err := r.RegisterJSON(k); err != nil {
			panic(err)
		}
	}
	return r
}

// jsonPool is an API server whose workers serve jsonRegistry, ready.
func jsonPool(t *testing.T, opts cluster.Options) *apiServer {
	t.Helper()
	opts.Env = jsonKindsEnv
	a := newAPIServer(t, opts, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := a.c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGetKinds(t *testing.T) {
	a := jsonPool(t, cluster.Options{Workers: 1})
	var got struct {
		Kinds []struct {
			Name    string          `json:"name"`
			Doc     string          `json:"doc"`
			Example json.RawMessage `json:"example"`
		} `json:"kinds"`
	}
	a.get("/api/kinds").want(t, http.StatusOK, &got)
	var lines []string
	for _, k := range got.Kinds {
		lines = append(lines, fmt.Sprintf("%s %s", k.Name, k.Example))
	}
	want := `blob null|crash 3|fib 30|primes 1000000|sleep 500|wordcount "to be or not"`
	if strings.Join(lines, "|") != want {
		t.Fatalf("kinds %q, want %q", strings.Join(lines, "|"), want)
	}
}

// TestSubmitJSONList: any JSON values in, the worker's JSON out; a failed job has
// error and error_data; the same in the job.done and job.failed events.
func TestSubmitJSONList(t *testing.T) {
	a := jsonPool(t, cluster.Options{Workers: 2})
	var b struct {
		ID   string `json:"id"`
		Jobs []struct {
			Input     json.RawMessage `json:"input"`
			State     string          `json:"state"`
			Result    json.RawMessage `json:"result"`
			Error     string          `json:"error"`
			ErrorData json.RawMessage `json:"error_data"`
		} `json:"jobs"`
	}
	body := `{"kind":"wordcount","inputs":["to be or not to be", {"x": 1}, "a <b> & \"c\"\nd"]}`
	a.do(http.MethodPost, "/api/batches?wait=60s", "application/json", body).want(t, http.StatusCreated, &b)
	type row struct{ in, state, result, err, data string }
	want := []row{
		{`"to be or not to be"`, "done", `{"words":6}`, "", ""},
		{`{"x":1}`, "failed", "null", "wordcount takes a string", `{"got":"{\"x\":1}"}`},
		{`"a <b> & \"c\"\nd"`, "done", `{"words":5}`, "", ""},
	}
	for i, j := range b.Jobs {
		got := row{string(j.Input), j.State, string(j.Result), j.Error, string(j.ErrorData)}
		if got != want[i] {
			t.Errorf("job %d: %+v, want %+v", i, got, want[i])
		}
	}
	var evs []cluster.Event
	a.get("/api/events?since=0").want(t, http.StatusOK, &evs)
	seen := 0
	for _, e := range evs {
		if e.Batch != b.ID {
			continue
		}
		switch {
		case e.Type == cluster.EventJobDone && string(e.Input) == `"to be or not to be"`:
			seen++
			if string(e.Result) != `{"words":6}` {
				t.Errorf("job.done event result %s", e.Result)
			}
		case e.Type == cluster.EventJobFailed:
			seen++
			if string(e.ErrorData) != `{"got":"{\"x\":1}"}` || e.Error != "wordcount takes a string" {
				t.Errorf("job.failed event %+v", e)
			}
		}
	}
	if seen != 2 {
		t.Errorf("saw %d of the 2 events looked for", seen)
	}
}

func TestSubmitJSONRefusals(t *testing.T) {
	a := jsonPool(t, cluster.Options{Workers: 1, Jobs: cluster.JobOptions{MaxValueBytes: 1024}})
	big := `"` + strings.Repeat("x", 1100) + `"`
	for _, tc := range []struct{ body, code, msg string }{
		{`{"kind":"resize","inputs":[{"path":"a.png"}]}`, "unknown_kind",
			`unknown job kind "resize": the pool serves blob, crash, fib, primes, sleep, wordcount`},
		{`{"kind":"wordcount","inputs":["a", "b", ` + big + `]}`, "invalid_input", "input 3 is 1102 bytes, more than the limit of 1024"},
		{`{"kind":"wordcount","inputs":[]}`, "invalid_input", "no inputs given"},
		{`{"kind":"fib","inputs":["44"]}`, "bad_json", `inputs[0] is the string "44"`},
	} {
		msg := a.do(http.MethodPost, "/api/batches", "application/json", tc.body).wantError(t, http.StatusBadRequest, tc.code)
		if !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: message %q, want it to say %q", tc.body, msg, tc.msg)
		}
	}
	// A text body is for numeric kinds.
	msg := a.do(http.MethodPost, "/api/batches?kind=wordcount", "text/plain", "to be").wantError(t, http.StatusBadRequest, "invalid_input")
	t.Logf("text for wordcount: %s", msg)
}

// TestBigResultsStreamInBoundedMemory: a page and an export of big results are
// written as they are encoded, not built whole: the heap grows by much less than
// the answer's size while the answer is written.
func TestBigResultsStreamInBoundedMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("memory figures are meaningless under -race")
	}
	a := jsonPool(t, cluster.Options{Workers: 2, Jobs: cluster.JobOptions{Prefetch: 16}})
	inputs := strings.TrimSuffix(strings.Repeat("60000,", 2000), ",") // 2,000 results of 60 KB: 120 MB
	var b struct {
		ID string `json:"id"`
	}
	a.do(http.MethodPost, "/api/batches?wait=120s&jobs_limit=0", "application/json", `{"kind":"blob","inputs":[`+inputs+`]}`).want(t, http.StatusCreated, &b)
	for _, path := range []string{"/api/batches/" + b.ID + "?jobs_limit=2000", "/api/batches/" + b.ID + "/jobs.ndjson"} {
		t.Run(path, func(t *testing.T) {
			n, peak := readMeasuringHeap(t, a, path)
			t.Logf("%s: %d MB answer, heap grew by at most %d MB while it was written", path, n>>20, peak>>20)
			if n < 120e6 {
				t.Fatalf("answer of %d bytes, want the 2,000 results", n)
			}
			if peak > 40<<20 {
				t.Fatalf("the heap grew by %d MB for a %d MB answer: it was built in one piece", peak>>20, n>>20)
			}
		})
	}
}

// readMeasuringHeap reads the answer at path slowly, sampling the heap, and returns
// its size and the most the heap grew over what it was before.
func readMeasuringHeap(t *testing.T, a *apiServer, path string) (int64, uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	resp, err := a.client.Get(a.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 1<<20)
	var n int64
	var peak uint64
	for i := 0; ; i++ {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if i%16 == 0 {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base {
				peak = max(peak, ms.HeapAlloc-base)
			}
		}
		if err != nil {
			break
		}
	}
	return n, peak
}
