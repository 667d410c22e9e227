package cluster_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

func init() {
	helpers["wordcount"] = func() int { return serveRegistry(wordcountRegistry()) }
	helpers["garble"] = func() int { return serveRegistry(garbleRegistry()) }
	helpers["rawresult"] = rawResultWorker
	helpers["badkinds"] = func() int { // a kind name with a space and upper case
		os.NewFile(3, "ipc").Write([]byte(`{"t":"hello","v":2,"id":` + os.Getenv(cluster.EnvWorkerID) +
			`,"kinds":[{"name":"Word Count","doc":"x"}]}` + "\n"))
		time.Sleep(time.Minute)
		return 0
	}
	helpers["otherkinds"] = func() int {
		r := &jobs.Registry{}
		r.RegisterJSON(jobs.JSONKind{Name: "other", Doc: "another program's kind", Run: echoJSON})
		return serveRegistry(r)
	}
}

func serveRegistry(r *jobs.Registry) int {
	if err := cluster.RunWorker(context.Background(), r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// wordcountRegistry is the built-in kinds plus wordcount, a JSON kind.
func wordcountRegistry() *jobs.Registry {
	r := jobs.Builtin()
	err := r.RegisterJSON(jobs.JSONKind{
		Name:    "wordcount",
		Doc:     "counts words in a string",
		Example: "to be or not",
		Run: func(_ context.Context, in json.RawMessage) (any, error) {
			var s string
			if err := json.Unmarshal(in, &s); err != nil {
				return nil, jobs.Fail("wordcount takes a string", map[string]string{"got": string(in)})
			}
			return map[string]int{"words": len(strings.Fields(s))}, nil
		},
	})
	if err == nil {
		err = r.RegisterJSON(jobs.JSONKind{Name: "repeat", Doc: "a string of n x's",
			Run: func(_ context.Context, in json.RawMessage) (any, error) {
				n, err := jobs.IntInput(in)
				return strings.Repeat("x", int(n)), err
			}})
	}
	if err != nil {
		panic(err)
	}
	return r
}

func echoJSON(_ context.Context, in json.RawMessage) (any, error) { return in, nil }

// garbleRegistry echoes its input, except "garble", for which the worker writes
// garbage on its IPC channel.
func garbleRegistry() *jobs.Registry {
	r := &jobs.Registry{}
	r.RegisterJSON(jobs.JSONKind{Name: "echo", Doc: "returns its input; \"garble\" breaks the protocol",
		Run: func(ctx context.Context, in json.RawMessage) (any, error) {
			if string(in) == `"garble"` {
				m, _ := cluster.Join()
				cluster.SendRaw(m, []byte("\n{this is not json\n"))
				time.Sleep(time.Minute) // the primary kills us
			}
			return in, nil
		}})
	return r
}

// rawResultWorker speaks the protocol by hand at the version in
// GOCLUSTER_TEST_VERSION and answers every job with a result frame without "out".
func rawResultWorker() int {
	ipc := os.NewFile(3, "ipc")
	v := os.Getenv("GOCLUSTER_TEST_VERSION")
	fmt.Fprintf(ipc, "{\"t\":\"hello\",\"v\":%s,\"id\":%s}\n", v, os.Getenv(cluster.EnvWorkerID))
	sc := bufio.NewScanner(ipc)
	for sc.Scan() {
		var f struct {
			T   string `json:"t"`
			Job int64  `json:"job"`
		}
		json.Unmarshal(sc.Bytes(), &f)
		switch f.T {
		case "job":
			if out := os.Getenv("GOCLUSTER_TEST_OUT"); out != "" {
				fmt.Fprintf(ipc, "{\"t\":\"result\",\"job\":%d,\"out\":%s}\n", f.Job, out)
				continue
			}
			fmt.Fprintf(ipc, "{\"t\":\"result\",\"job\":%d}\n", f.Job)
		case "disconnect":
			return 0
		}
	}
	return 0
}

// A custom JSON kind: the worker registers it, declares it in its hello, and the
// pool takes lists of it once that hello came.
func Example_jsonKind() {
	// The worker's main: if cluster.IsWorker() { return cluster.RunWorker(ctx, wordcountRegistry()) }
	c, err := cluster.Start(cluster.Options{Workers: 1, Env: helperEnv("wordcount")})
	if err != nil {
		panic(err)
	}
	defer c.Close(context.Background())
	c.WaitReady(context.Background())
	for _, k := range c.Kinds() {
		if k.Name == "wordcount" {
			fmt.Printf("%s: %s (try %s)\n", k.Name, k.Doc, k.Example)
		}
	}
	inputs := []json.RawMessage{json.RawMessage(`"to be or not to be"`), json.RawMessage(`{"x": 1}`)}
	b, err := c.SubmitJSON("wordcount", inputs, cluster.BatchOptions{})
	if err != nil {
		panic(err)
	}
	done, _ := c.WaitBatch(context.Background(), b.ID)
	for _, j := range done.Jobs {
		if j.State == cluster.JobDone {
			fmt.Printf("%s → %s\n", j.Input, j.Result)
		} else {
			fmt.Printf("%s → %s: %s, %s\n", j.Input, j.State, j.Error, j.ErrorData)
		}
	}
	// Output:
	// wordcount: counts words in a string (try "to be or not")
	// "to be or not to be" → {"words":6}
	// {"x":1} → failed: wordcount takes a string, {"got":"{\"x\":1}"}
}

func TestUnknownKindNamesTheServedOnes(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("wordcount")})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	_, err := c.SubmitJSON("resize", []json.RawMessage{json.RawMessage(`{}`)}, cluster.BatchOptions{})
	want := `unknown job kind "resize": the pool serves crash, fib, primes, repeat, sleep, wordcount`
	if !errors.Is(err, cluster.ErrUnknownKind) || !errors.Is(err, cluster.ErrInvalid) || err.Error() != want {
		t.Fatalf("err = %v, want %q matching ErrUnknownKind and ErrInvalid", err, want)
	}
}

func TestInputsOverTheLimitAreRefusedByIndex(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("wordcount"), Jobs: cluster.JobOptions{MaxValueBytes: 100}})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	big := json.RawMessage(strconv.Quote(strings.Repeat("a", 100)))
	// Spaces do not count: the limit is on the compact form.
	spaced := json.RawMessage(`[ 1,  2,   3 ]`)
	_, err := c.SubmitJSON("wordcount", []json.RawMessage{spaced, spaced, big}, cluster.BatchOptions{})
	if !errors.Is(err, cluster.ErrInvalid) || !strings.Contains(err.Error(), "input 3 is 102 bytes, more than the limit of 100") {
		t.Fatalf("err = %v", err)
	}
	_, err = c.SubmitJSON("wordcount", []json.RawMessage{json.RawMessage(`{"a":`)}, cluster.BatchOptions{})
	if !errors.Is(err, cluster.ErrInvalid) || !strings.Contains(err.Error(), "input 1 is not a JSON value") {
		t.Fatalf("err = %v", err)
	}
	// An input written with spaces is kept compact: that is what a frame carries.
	got, err := c.SubmitJSON("wordcount", []json.RawMessage{json.RawMessage(" \"to  be\" ")}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done, _ := c.WaitBatch(ctxT(t), got.ID)
	if j := done.Jobs[0]; string(j.Input) != `"to  be"` || string(j.Result) != `{"words":2}` {
		t.Fatalf("job %s → %s %s", j.Input, j.State, j.Result)
	}
}

// TestMissingOutByVersion: a version 1 worker left a zero result out, so its
// missing "out" is 0; from a version 2 worker it is null.
func TestMissingOutByVersion(t *testing.T) {
	for v, want := range map[string]string{"1": "0", "2": "null"} {
		t.Run("v"+v, func(t *testing.T) {
			env := append(helperEnv("rawresult"), "GOCLUSTER_TEST_VERSION="+v)
			c := startPool(t, cluster.Options{Workers: 1, Env: env})
			got := submitWait(t, c, "fib", []int64{10}, cluster.BatchOptions{})
			if j := got.Jobs[0]; j.State != cluster.JobDone || string(j.Result) != want {
				t.Fatalf("v%s result %s (%s), want %s", v, j.Result, j.State, want)
			}
		})
	}
}

// TestResultTooLargeFailsTheJobOnly: a result over MaxValueBytes fails its job with
// the size and the limit; the worker learned the limit from its environment, says
// so itself, and lives on.
func TestResultTooLargeFailsTheJobOnly(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("wordcount"), Jobs: cluster.JobOptions{MaxValueBytes: 64}})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	pid := c.Workers()[0].PID
	got := submitWait(t, c, "repeat", []int64{63, 62, 100}, cluster.BatchOptions{})
	if j := got.Jobs[1]; j.State != cluster.JobDone || len(j.Result) != 64 {
		t.Fatalf("a result at the limit: %+v", j)
	}
	for _, j := range []cluster.JobInfo{got.Jobs[0], got.Jobs[2]} {
		want := fmt.Sprintf("result too large: %d bytes, limit 64", len(j.Input)+2)
		if n, _ := cluster.IntValue(j.Input); j.State != cluster.JobFailed || j.Error != fmt.Sprintf("result too large: %d bytes, limit 64", n+2) {
			t.Fatalf("job %s: %+v, want failed with %q", j.Input, j, want)
		}
	}
	// A failed job's error data over the limit is dropped, the error kept.
	b, _ := c.SubmitJSON("wordcount", []json.RawMessage{json.RawMessage(`[` + strings.Repeat("1,", 30) + `1]`)}, cluster.BatchOptions{})
	done, _ := c.WaitBatch(ctxT(t), b.ID)
	if j := done.Jobs[0]; j.State != cluster.JobFailed || !strings.HasPrefix(j.Error, "wordcount takes a string") ||
		!strings.Contains(j.Error, "err_data of 73 bytes was dropped, limit 64") || j.ErrorData != nil {
		t.Fatalf("job: %+v", j)
	}
	if w := c.Workers(); len(w) != 1 || w[0].PID != pid {
		t.Fatalf("the worker was replaced: %+v", w)
	}
}

// TestPrimaryChecksResultSize: a worker that does not check its result's size
// gets the job failed by the primary, and is not killed for it.
func TestPrimaryChecksResultSize(t *testing.T) {
	env := append(helperEnv("rawresult"), "GOCLUSTER_TEST_VERSION=2", `GOCLUSTER_TEST_OUT="`+strings.Repeat("y", 200)+`"`)
	c := startPool(t, cluster.Options{Workers: 1, Env: env, Jobs: cluster.JobOptions{MaxValueBytes: 100}})
	got := submitWait(t, c, "fib", []int64{1, 2}, cluster.BatchOptions{})
	for _, j := range got.Jobs {
		if j.State != cluster.JobFailed || j.Error != "result too large: 202 bytes, limit 100" || j.Attempts != 1 {
			t.Fatalf("job: %+v", j)
		}
	}
	if w := c.Workers(); len(w) != 1 || w[0].ID != 1 {
		t.Fatalf("workers %+v, want worker 1 alive", w)
	}
}

// TestKindsDisagreementIsAnErrorEvent: a worker that serves other kinds than the
// pool learned is reported by name and stays.
func TestKindsDisagreementIsAnErrorEvent(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("wordcount")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	w, err := c.Fork([]string{envHelper + "=otherkinds"})
	if err != nil {
		t.Fatal(err)
	}
	e := ev.next("kinds error", ofType(cluster.EventError, w.ID()))
	want := "lacks crash, fib, primes, repeat, sleep, wordcount; adds other"
	if !strings.Contains(e.Error, want) {
		t.Fatalf("error %q, want it to say %q", e.Error, want)
	}
	ev.next("its online event", ofType(cluster.EventOnline, w.ID()))
	if names := kindNames(c.Kinds()); names != "crash fib primes repeat sleep wordcount" {
		t.Fatalf("kinds changed to %s", names)
	}
}

func kindNames(ks []cluster.KindInfo) string {
	var names []string
	for _, k := range ks {
		names = append(names, k.Name)
	}
	return strings.Join(names, " ")
}

// TestGarbageWithJSONJobsEndsEveryJobOnce: a worker that writes garbage on its IPC
// channel mid-list gets a worker.error naming the problem and is replaced; its
// jobs are retried, and every job of the list ends exactly once.
func TestGarbageWithJSONJobsEndsEveryJobOnce(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 2, Env: helperEnv("garble"),
		Restart: cluster.RestartPolicy{Backoff: time.Millisecond, CrashLoopLimit: 100},
		// One job at a time: with a window, the job sent before the garbling one can
		// still have its result queued behind the garbage (SendRaw jumps the queue)
		// and lose an attempt each time the two meet in one window.
		Jobs: cluster.JobOptions{MaxAttempts: 2, Prefetch: 1}})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	var inputs []json.RawMessage
	for i := range 40 {
		v := json.RawMessage(fmt.Sprintf(`{"i":%d,"s":"line\nbreak \u00e9 \"q\""}`, i))
		if i == 17 {
			v = json.RawMessage(`"garble"`)
		}
		inputs = append(inputs, v)
	}
	b, err := c.SubmitJSON("echo", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.WaitBatch(ctxT(t), b.ID)
	if err != nil || done.State != cluster.BatchDone {
		t.Fatalf("list: %v %+v", err, done.Summary)
	}
	for i, j := range done.Jobs {
		switch {
		case i == 17 && (j.State != cluster.JobFailed || j.Attempts != 2):
			t.Errorf("the garbling job: %+v", j)
		case i != 17 && (j.State != cluster.JobDone || string(j.Result) != string(inputs[i])):
			t.Errorf("job %d: %s %s, want done %s", i, j.State, j.Result, inputs[i])
		}
	}
	ev.next("list done", func(e cluster.Event) bool { return e.Type == cluster.EventBatchDone && e.Batch == b.ID })
	ends, garbage := map[int64]int{}, ""
	for _, e := range ev.got {
		switch {
		case e.Batch == b.ID && (e.Type == cluster.EventJobDone || e.Type == cluster.EventJobFailed):
			ends[e.Job]++
		case e.Type == cluster.EventError && garbage == "":
			garbage = e.Error
		}
	}
	for _, j := range done.Jobs {
		if ends[j.ID] != 1 {
			t.Errorf("job %d ended %d times", j.ID, ends[j.ID])
		}
	}
	if !strings.Contains(garbage, "malformed frame") {
		t.Fatalf("worker.error %q does not name the problem", garbage)
	}
	if w := c.Workers(); len(w) != 2 {
		t.Fatalf("%d workers after the garbage, want the 2 replaced", len(w))
	}
}
