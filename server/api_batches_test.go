package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func TestSubmitAndWait(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	want := []int64{6765, 10946, 17711, 28657} // fib 20..23

	t.Run("JSON body with wait answers done, with jobs and a Location", func(t *testing.T) {
		var b batchJSON
		rp := a.json(http.MethodPost, "/api/batches?wait=60s", `{"kind":"fib","inputs":[20,21,22,23],"timeout":"30s"}`)
		rp.want(t, http.StatusCreated, &b)
		if b.State != cluster.BatchDone || !slices.Equal(b.results(), want) || b.Timeout != "30s" || b.Summary.Done != 4 {
			t.Fatalf("batch %+v", b)
		}
		if loc := rp.header.Get("Location"); loc != "/api/batches/"+b.ID {
			t.Fatalf("Location %q for batch %q", loc, b.ID)
		}
	})
	t.Run("text body as curl -d sends it", func(t *testing.T) {
		var b batchJSON
		a.do(http.MethodPost, "/api/batches?kind=fib&wait=60s", "application/x-www-form-urlencoded", "20 21, 22\n23").
			want(t, http.StatusCreated, &b)
		if b.State != cluster.BatchDone || !slices.Equal(b.results(), want) {
			t.Fatalf("batch %+v", b)
		}
	})
	t.Run("without wait the answer is at once and without jobs", func(t *testing.T) {
		var b batchJSON
		a.json(http.MethodPost, "/api/batches", `{"kind":"sleep","inputs":[1]}`).want(t, http.StatusCreated, &b)
		if b.ID == "" || b.Jobs != nil || b.Summary.Total != 1 {
			t.Fatalf("batch %+v", b)
		}
		var done batchJSON
		a.get("/api/batches/"+b.ID+"?wait=60s").want(t, http.StatusOK, &done)
		if done.State != cluster.BatchDone || len(done.Jobs) != 1 {
			t.Fatalf("after wait: %+v", done)
		}
	})
}

// TestLongPoll: a wait ends when the list does, well before its bound; a wait
// shorter than the list answers with the list still running.
func TestLongPoll(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	var b batchJSON
	a.json(http.MethodPost, "/api/batches", `{"kind":"sleep","inputs":[300]}`).want(t, http.StatusCreated, &b)
	start := time.Now()
	a.get("/api/batches/"+b.ID+"?wait=5m").want(t, http.StatusOK, &b)
	if b.State != cluster.BatchDone || time.Since(start) > time.Minute {
		t.Fatalf("after %v: %+v", time.Since(start), b)
	}

	a.json(http.MethodPost, "/api/batches?wait=50ms", `{"kind":"sleep","inputs":[60000]}`).want(t, http.StatusCreated, &b)
	if b.State != cluster.BatchRunning || len(b.Jobs) != 1 {
		t.Fatalf("short wait: %+v", b)
	}
	a.get("/api/batches/"+b.ID+"?wait=0s").want(t, http.StatusOK, &b)
	if b.State != cluster.BatchRunning {
		t.Fatalf("wait=0s: %+v", b)
	}
	// Closing the server ends a long poll at once instead of holding shutdown
	// (whether the poll is already parked or arrives just after the close).
	done := make(chan reply, 1)
	go func() { done <- a.get("/api/batches/" + b.ID + "?wait=5m") }()
	a.s.bg.close()
	select {
	case rp := <-done:
		rp.want(t, http.StatusOK, &b)
	case <-time.After(time.Minute):
		t.Fatal("long poll survived the server's close")
	}
}

func TestListGetCancel(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	var ids []string
	for range 3 {
		var b batchJSON
		a.do(http.MethodPost, "/api/batches?kind=sleep&wait=60s", "text/plain", "1").want(t, http.StatusCreated, &b)
		ids = append(ids, b.ID)
	}
	var list []batchJSON
	a.get("/api/batches").want(t, http.StatusOK, &list)
	if len(list) != 3 || list[0].ID != ids[2] || list[2].ID != ids[0] || list[0].Jobs != nil {
		t.Fatalf("list %+v, want newest first of %v without jobs", list, ids)
	}
	a.get("/api/batches?limit=2").want(t, http.StatusOK, &list)
	if len(list) != 2 {
		t.Fatalf("limit 2 gave %d", len(list))
	}
	a.get("/api/batches?limit=501").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/batches/nope").wantError(t, http.StatusNotFound, "not_found")
	a.get("/api/batches/"+strings.Repeat("7", 100)).wantError(t, http.StatusNotFound, "not_found")
	a.do(http.MethodDelete, "/api/batches/nope", "", "").wantError(t, http.StatusNotFound, "not_found")
	a.get("/api/batches/"+ids[0]+"?wait=forever").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/batches/"+ids[0]+"?wait=6m").wantError(t, http.StatusBadRequest, "invalid_input")

	// Cancel a list with one job running and two queued.
	var b batchJSON
	a.json(http.MethodPost, "/api/batches", `{"kind":"sleep","inputs":[60000,60000,60000]}`).want(t, http.StatusCreated, &b)
	waitFor(t, "the first job to run", func() bool { return a.s.c.Pool().Queue.Running == 1 })
	a.do(http.MethodDelete, "/api/batches/"+b.ID, "", "").want(t, http.StatusOK, &b)
	if b.State != cluster.BatchCanceled || b.Summary.Canceled != 3 || len(b.Jobs) != 3 {
		t.Fatalf("after cancel: %+v", b)
	}
	waitFor(t, "the busy worker replaced", func() bool {
		p := a.pool()
		return len(p.Workers) == 1 && p.Workers[0].State == cluster.StateIdle
	})
}

// TestSubmitBadInput: every class of bad submission is a 4xx with the error shape,
// never a 500, and nothing is queued.
func TestSubmitBadInput(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, Jobs: cluster.JobOptions{MaxQueued: 3}}, Config{})
	for _, c := range []struct {
		ct, query, body string
		status          int
		code            string
	}{
		{"application/json", "", `{"kind":"fib","inputs":[20,`, 400, "bad_json"},
		{"application/json", "", `{"kind":"fib","inputs":["20"]}`, 400, "bad_json"},
		{"application/json", "", `{"kind":"fib","inputs":[20],"priority":1}`, 400, "bad_json"},
		{"application/json", "", `{"kind":"fib","inputs":[20.5]}`, 400, "bad_json"},
		{"application/json", "", `{"kind":"fib","inputs":[1e30]}`, 400, "bad_json"},
		{"application/json", "", `{"kind":"fib","inputs":[-1]}`, 400, "invalid_input"},
		{"application/json", "", `{"kind":"fib","inputs":[9223372036854775807]}`, 400, "invalid_input"},
		{"application/json", "", `{"kind":"fib","inputs":[]}`, 400, "invalid_input"},
		{"application/json", "", `{"kind":"nope","inputs":[1]}`, 400, "unknown_kind"},
		{"application/json", "", `{"kind":"fib","inputs":[1],"timeout":"-1s"}`, 400, "invalid_input"},
		{"application/json", "", `{"kind":"fib","inputs":[1],"timeout":"48h"}`, 400, "invalid_input"},
		{"application/json", "wait=soon", `{"kind":"fib","inputs":[1]}`, 400, "invalid_input"},
		{"application/json", "wait=-1s", `{"kind":"fib","inputs":[1]}`, 400, "invalid_input"},
		{"text/plain", "kind=fib", "20 twenty", 400, "invalid_input"},
		{"text/plain", "", "20", 400, "invalid_input"},
		{"text/plain", "kind=fib", strings.Repeat("1 ", maxBatchInputs+1), 400, "invalid_input"},
		{"application/json", "", `{"kind":"sleep","inputs":[1,1,1,1]}`, 429, "queue_full"},
		{"application/pdf", "kind=fib", "%PDF", 415, "unsupported_media_type"},
		{"text/plain", "kind=fib", strings.Repeat("1 ", 1<<19+1), 413, "body_too_large"},
	} {
		rp := a.do(http.MethodPost, "/api/batches?"+c.query, c.ct, c.body)
		msg := rp.wantError(t, c.status, c.code)
		if c.status == 429 && rp.header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
		t.Logf("%d %s: %s", c.status, c.code, msg)
	}
	if n := len(a.s.c.Batches()); n != 0 {
		t.Fatalf("%d lists were queued by bad requests", n)
	}
}

// TestQueueFullWhileBusy: the queue bound counts jobs waiting across lists.
func TestQueueFullWhileBusy(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, Jobs: cluster.JobOptions{MaxQueued: 2}}, Config{})
	var b batchJSON
	a.json(http.MethodPost, "/api/batches", `{"kind":"sleep","inputs":[60000,60000]}`).want(t, http.StatusCreated, &b)
	waitFor(t, "one running, one waiting", func() bool {
		q := a.s.c.Pool().Queue
		return q.Running == 1 && q.Pending == 1
	})
	a.json(http.MethodPost, "/api/batches", `{"kind":"sleep","inputs":[1,1]}`).wantError(t, http.StatusTooManyRequests, "queue_full")
	a.do(http.MethodDelete, fmt.Sprintf("/api/batches/%s", b.ID), "", "").want(t, http.StatusOK, nil)
	a.json(http.MethodPost, "/api/batches?wait=60s", `{"kind":"sleep","inputs":[1]}`).want(t, http.StatusCreated, nil)
}
