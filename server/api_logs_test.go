package server

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// printingPool is a pool whose workers are sh printing a few lines (one of them
// binary, the last without a newline), then exec'ing this test binary, which keeps
// the IPC socket on fd 3 and serves jobs: real output from a real process.
func printingPool(t *testing.T, workers int) *apiServer {
	script := `printf 'hello out\nbin \377\033[31m\n'; printf 'hello err\n' >&2; printf 'tail'; exec "$0"`
	return newAPIServer(t, cluster.Options{Workers: workers, Exec: "sh",
		Args: []string{"-c", script, os.Args[0]}}, Config{})
}

// logsFrom polls path until its lines include text.
func (a *apiServer) logsFrom(path, text string) logsAnswer {
	a.t.Helper()
	var ans logsAnswer
	waitFor(a.t, path+" to show "+text, func() bool {
		ans = logsAnswer{}
		a.get(path).want(a.t, http.StatusOK, &ans)
		for _, l := range ans.Lines {
			if l.Text == text {
				return true
			}
		}
		return false
	})
	return ans
}

func TestLogsAPI(t *testing.T) {
	a := printingPool(t, 1)
	id := a.pool().Workers[0].ID
	pool := a.logsFrom("/api/logs?since=0", "hello err")
	if pool.Run != a.c.RunID() || pool.LastSeq < 3 {
		t.Errorf("run %q, last_seq %d", pool.Run, pool.LastSeq)
	}
	mine := a.logsFrom(fmt.Sprintf("/api/workers/%d/logs", id), "hello err")
	want := map[string]string{"hello out": "stdout", `bin \xff\x1b[31m`: "stdout", "hello err": "stderr"}
	for _, l := range mine.Lines {
		if s, ok := want[l.Text]; ok && s == l.Stream && l.Worker == id {
			delete(want, l.Text)
		}
	}
	if len(want) > 0 {
		t.Errorf("lines missing or wrong: %v in %+v", want, mine.Lines)
	}
	var errs logsAnswer
	a.get(fmt.Sprintf("/api/workers/%d/logs?stream=stderr", id)).want(t, http.StatusOK, &errs)
	if len(errs.Lines) != 1 || errs.Lines[0].Text != "hello err" {
		t.Errorf("stderr only: %+v", errs.Lines)
	}
	var none logsAnswer
	a.get(fmt.Sprintf("/api/logs?since=%d", pool.LastSeq)).want(t, http.StatusOK, &none)
	if len(none.Lines) != 0 || none.Lines == nil {
		t.Errorf("since the last seq: %+v (want an empty list)", none.Lines)
	}

	a.json(http.MethodPost, fmt.Sprintf("/api/workers/%d/kill", id), `{"signal":"SIGKILL"}`).want(t, http.StatusAccepted, nil)
	gone := a.logsFrom(fmt.Sprintf("/api/workers/%d/logs", id), "tail")
	if last := gone.Lines[len(gone.Lines)-1]; !last.Partial {
		t.Errorf("the last line without a newline: %+v", last)
	}
}

func TestLogsAPIRejectsBadQueries(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1}, Config{})
	a.get("/api/logs?stream=stdin").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/logs?since=-1").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/logs?limit=0").wantError(t, http.StatusBadRequest, "invalid_input")
	a.get("/api/logs?since=999999").wantError(t, http.StatusGone, "events_gone")
	a.get("/api/logs?run=other").wantError(t, http.StatusGone, "events_gone")
	a.get("/api/workers/999/logs").wantError(t, http.StatusNotFound, "not_found")
	a.get("/api/workers/x/logs").wantError(t, http.StatusBadRequest, "invalid_input")
}
