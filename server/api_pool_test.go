package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func TestPoolEndpoints(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, MaxWorkers: 4}, Config{})

	p := a.pool()
	if p.Size != 1 || len(p.Workers) != 1 || p.Restarting || p.LastSeq == 0 {
		t.Fatalf("GET /api/pool: %+v", p)
	}
	t.Run("scale with a JSON body, a curl -d body and the query", func(t *testing.T) {
		a.json(http.MethodPut, "/api/pool", `{"size":2}`).want(t, http.StatusOK, &p)
		if p.Size != 2 || len(p.Workers) != 2 {
			t.Fatalf("after size 2: %+v", p)
		}
		a.do(http.MethodPut, "/api/pool", "application/x-www-form-urlencoded", `{"size":1}`).want(t, http.StatusOK, &p)
		a.do(http.MethodPut, "/api/pool?size=2", "", "").want(t, http.StatusOK, &p)
		if p.Size != 2 {
			t.Fatalf("after ?size=2: %+v", p)
		}
		waitFor(t, "two workers", func() bool { return len(a.pool().Workers) == 2 })
	})
	t.Run("bad sizes", func(t *testing.T) {
		for _, c := range []struct{ path, body, code, want string }{
			{"/api/pool", `{"size":5}`, "invalid_input", "outside 0..4"},
			{"/api/pool", `{"size":-1}`, "invalid_input", "outside 0..4"},
			{"/api/pool", `{"size":1.5}`, "bad_json", "not a whole number"},
			{"/api/pool", `{"size":"2"}`, "bad_json", `field "size" must be an integer`},
			{"/api/pool", `{"size":99999999999999999999}`, "bad_json", "too large"},
			{"/api/pool", `{"workers":2}`, "bad_json", `unknown field "workers"`},
			{"/api/pool", `{"size":2}{}`, "bad_json", "unexpected data"},
			{"/api/pool", `{"size":`, "bad_json", "ends too early"},
			{"/api/pool", `{}`, "invalid_input", "no size given"},
			{"/api/pool", ``, "invalid_input", "no size given"},
			{"/api/pool?size=x", ``, "invalid_input", `size "x" is not a whole number`},
			{"/api/pool?size=2", `{"size":2}`, "invalid_input", "give it once"},
		} {
			msg := a.json(http.MethodPut, c.path, c.body).wantError(t, http.StatusBadRequest, c.code)
			if !strings.Contains(msg, c.want) {
				t.Errorf("PUT %s %s: %q lacks %q", c.path, c.body, msg, c.want)
			}
		}
		a.do(http.MethodPut, "/api/pool", "application/xml", `<size>2</size>`).
			wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		if p := a.pool(); p.Size != 2 {
			t.Fatalf("a bad request changed the pool: %+v", p)
		}
	})
}

// TestRollingRestartOverAPI: 202 at once, every worker replaced, "restarting"
// while it runs; a second restart meanwhile is a 409.
func TestRollingRestartOverAPI(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 2}, Config{})
	before := workerIDs(a.pool())

	var got restartResponse
	a.do(http.MethodPost, "/api/pool/restart", "", "").want(t, http.StatusAccepted, &got)
	if got.Status != "restarting" {
		t.Fatalf("answer %+v", got)
	}
	waitFor(t, "every worker replaced", func() bool {
		p := a.pool()
		if p.Restarting || len(p.Workers) != 2 {
			return false
		}
		for _, id := range workerIDs(p) {
			if slices.Contains(before, id) {
				return false
			}
		}
		return true
	})

	// A restart is held running by hand, so the 409 does not depend on timing.
	release := make(chan struct{})
	a.s.bg.startRestart(func(ctx context.Context) { <-release })
	if !a.pool().Restarting {
		t.Fatal("GET /api/pool does not say restarting")
	}
	a.do(http.MethodPost, "/api/pool/restart", "", "").wantError(t, http.StatusConflict, "conflict")
	close(release)
	waitFor(t, "restart flag cleared", func() bool { return !a.pool().Restarting })
	a.json(http.MethodPost, "/api/pool/restart", `{"now":true}`).wantError(t, http.StatusBadRequest, "bad_json")
}
