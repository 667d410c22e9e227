package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/store"
)

func historyIDs(t *testing.T, a *apiServer, query string) string {
	t.Helper()
	var bs []cluster.BatchInfo
	a.get("/api/batches"+query).want(t, http.StatusOK, &bs)
	var ids []string
	for _, b := range bs {
		ids = append(ids, b.ID)
	}
	return strings.Join(ids, " ")
}

// TestHistoryFiltersAndPagesInMemory: without a store the filters and paging work
// on the lists the pool keeps; bad filters are 400.
func TestHistoryFiltersAndPagesInMemory(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, RunID: "r"}, Config{})
	for _, body := range []string{`{"kind":"fib","inputs":[1]}`, `{"kind":"sleep","inputs":[1]}`, `{"kind":"fib","inputs":[2]}`} {
		a.json("POST", "/api/batches?wait=60s", body).want(t, http.StatusCreated, nil)
	}
	for q, want := range map[string]string{
		"":                             "r-3 r-2 r-1",
		"?kind=fib":                    "r-3 r-1",
		"?state=done&limit=1":          "r-3",
		"?before=r-3&limit=1":          "r-2",
		"?run=r&kind=sleep":            "r-2",
		"?run=other":                   "",
		"?state=running":               "",
		"?before=r-1":                  "",
		"?kind=fib&before=r-3&limit=5": "r-1",
	} {
		if got := historyIDs(t, a, q); got != want {
			t.Errorf("GET /api/batches%s: %q, want %q", q, got, want)
		}
	}
	for _, q := range []string{"?state=finished", "?before=r-9", "?limit=0", "?kind=" + strings.Repeat("k", 300)} {
		a.get("/api/batches"+q).wantError(t, http.StatusBadRequest, "invalid_input")
	}
	bad := a.get("/batches?state=bogus&kind=fib")
	if html := string(bad.body); bad.status != http.StatusBadRequest || !strings.Contains(html, `id="history-error"`) ||
		!strings.Contains(html, "State &#34;bogus&#34; is not running, done or canceled") ||
		!strings.Contains(html, `name="kind" value="fib"`) {
		t.Fatalf("history page with a bad state: %d\n%s", bad.status, html)
	}
	page := a.get("/batches?kind=fib&limit=1")
	html := string(page.body)
	if page.status != http.StatusOK || !strings.Contains(html, `data-batch-id="r-3"`) || strings.Contains(html, `data-batch-id="r-1"`) ||
		!strings.Contains(html, `href="/batches?before=r-3&amp;kind=fib&amp;limit=1"`) {
		t.Fatalf("history page: %d\n%s", page.status, html)
	}
}

// TestHistoryAcrossRestart runs a list on a pool with a store, closes it, and
// starts another pool on the same store: the old list is listed (by its run too)
// and read with its jobs, and events asked for with the old run are 410 with the
// new run.
func TestHistoryAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c1, err := cluster.Start(cluster.Options{Workers: 1, RunID: "old", Store: st, Output: testLog{t}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c1.Submit("fib", []int64{10, 11}, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c1.WaitBatch(ctx, b.ID)
	closePool(t, c1)
	st.Close()

	st2, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	a := newAPIServer(t, cluster.Options{Workers: 1, RunID: "new", Store: st2}, Config{})
	a.json("POST", "/api/batches?wait=60s", `{"kind":"fib","inputs":[3]}`).want(t, http.StatusCreated, nil)
	if got := historyIDs(t, a, ""); got != "new-1 old-1" {
		t.Fatalf("lists across runs: %q", got)
	}
	if got := historyIDs(t, a, "?run=old"); got != "old-1" {
		t.Fatalf("lists of the old run: %q", got)
	}
	var old cluster.BatchInfo
	a.get("/api/batches/old-1").want(t, http.StatusOK, &old)
	if old.State != cluster.BatchDone || len(old.Jobs) != 2 || string(old.Jobs[1].Result) != "89" || len(old.Jobs[1].AllTries()) != 1 {
		t.Fatalf("the old run's list: %+v", old)
	}
	r := a.get("/api/events?since=3&run=old")
	r.wantError(t, http.StatusGone, "events_gone")
	var e struct {
		Error struct {
			Run string `json:"run"`
		} `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	if e.Error.Run != "new" {
		t.Fatalf("410 names run %q: %s", e.Error.Run, r.body)
	}
}
