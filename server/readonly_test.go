package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestReadOnlyAPI: a read-only server shows everything and refuses every change
// with 403 read_only, whatever the method or path, and the pool stays as it was.
func TestReadOnlyAPI(t *testing.T) {
	e := startSecEnv(t, Config{ReadOnly: true}, cluster.Options{Workers: 1})
	before := e.c.Pool()
	if len(before.Workers) != 1 {
		t.Fatalf("pool: %+v", before)
	}
	id := before.Workers[0].ID
	for _, p := range []string{"/api/pool", "/api/batches", "/api/events", "/api/workers"} {
		for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
			resp, body := e.do(m, p, "")
			if resp.StatusCode == http.StatusForbidden {
				t.Errorf("%s %s refused: %s", m, p, body)
			}
		}
	}
	changes := []struct{ method, path, body string }{
		{"PUT", "/api/pool", `{"size":3}`},
		{"POST", "/api/pool/restart", ""},
		{"POST", "/api/workers/" + strconv.Itoa(id) + "/kill", `{"signal":"SIGKILL"}`},
		{"POST", "/api/batches", `{"kind":"fib","inputs":[10]}`},
		{"DELETE", "/api/batches/b1", ""},
		{"PATCH", "/api/pool", `{"size":3}`},
		{"POST", "/api/no/such/path", ""},
	}
	for _, c := range changes {
		resp, body := e.do(c.method, c.path, c.body, "Content-Type: application/json")
		wantJSONError(t, c.method+" "+c.path, resp, body, http.StatusForbidden, "read_only", "-read-only")
	}
	after := e.c.Pool()
	if after.Size != 1 || len(after.Workers) != 1 || after.Workers[0].ID != id || len(e.c.Batches()) != 0 {
		t.Errorf("the pool changed: before %+v, after %+v, %d lists", before, after, len(e.c.Batches()))
	}
}

// TestReadOnlyForms: the forms answer a small 403 page; the panel still renders,
// with its read-only badge.
func TestReadOnlyForms(t *testing.T) {
	e := startSecEnv(t, Config{ReadOnly: true}, cluster.Options{Workers: -1})
	form := "Content-Type: application/x-www-form-urlencoded"
	for _, p := range []string{"/ui/pool/scale", "/ui/pool/restart", "/ui/batches", "/ui/workers/1/kill"} {
		resp, body := e.do("POST", p, "size=2&kind=fib&inputs=5", form)
		wantStatus(t, p, resp, body, http.StatusForbidden)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "read-only") {
			t.Errorf("%s: not the read-only page: %.300s", p, body)
		}
	}
	if n := e.c.Size(); n != 0 {
		t.Errorf("pool size %d, want 0", n)
	}
	resp, body := e.do("GET", "/", "")
	wantStatus(t, "panel", resp, body, http.StatusOK)
	if !strings.Contains(body, `id="readonly-badge"`) {
		t.Error("the panel does not show it is read-only")
	}
}

// TestReadOnlyWithToken: the token is checked first (401 without it), read-only
// next (403 with it).
func TestReadOnlyWithToken(t *testing.T) {
	e := startSecEnv(t, Config{ReadOnly: true, Token: testToken}, cluster.Options{Workers: -1})
	resp, body := e.do("PUT", "/api/pool", `{"size":1}`)
	wantJSONError(t, "no token", resp, body, http.StatusUnauthorized, "unauthorized")
	resp, body = e.do("PUT", "/api/pool", `{"size":1}`, "Authorization: Bearer "+testToken)
	wantJSONError(t, "with token", resp, body, http.StatusForbidden, "read_only")
}
