package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
)

func TestParseWait(t *testing.T) {
	for _, c := range []struct {
		query string
		want  time.Duration
		given bool
		err   bool
	}{
		{"", 0, false, false},
		{"wait=30s", 30 * time.Second, true, false},
		{"wait=0s", 0, true, false},
		{"wait=5m", 5 * time.Minute, true, false},
		{"wait=5m1s", 0, true, true},
		{"wait=-1s", 0, true, true},
		{"wait=30", 0, true, true},
		{"wait=", 0, true, true},
		{"wait=soon", 0, true, true},
	} {
		r := httptest.NewRequest("GET", "/x?"+c.query, nil)
		d, given, err := parseWait(r, 5*time.Minute)
		if d != c.want || given != c.given || (err != nil) != c.err || (err != nil && !errors.Is(err, cluster.ErrInvalid)) {
			t.Errorf("%q: got %v %v %v", c.query, d, given, err)
		}
	}
}

func TestParseLimit(t *testing.T) {
	for q, want := range map[string]int{"": 50, "limit=1": 1, "limit=500": 500, "limit=0": -1,
		"limit=501": -1, "limit=x": -1, "limit=-3": -1} {
		n, err := parseLimit(httptest.NewRequest("GET", "/x?"+q, nil), 50, 500)
		if (want == -1) != (err != nil) || (err == nil && n != want) {
			t.Errorf("%q: got %d, %v", q, n, err)
		}
	}
}

// withURLParam makes r look routed by chi with {id} = v.
func withURLParam(r *http.Request, v string) *http.Request {
	rctx := chi.NewRouteContext()
	rctx.URLParams.Add("id", v)
	return r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
}

func TestWorkerAndBatchIDs(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	for v, ok := range map[string]bool{"1": true, "42": true, "0": false, "-1": false, "x": false, "1.5": false} {
		id, err := workerID(withURLParam(r, v))
		if ok != (err == nil) || (!ok && !errors.Is(err, cluster.ErrInvalid)) || (ok && id <= 0) {
			t.Errorf("worker %q: %d, %v", v, id, err)
		}
	}
	if _, err := batchID(withURLParam(r, strings.Repeat("9", 65))); !errors.Is(err, cluster.ErrNotFound) {
		t.Errorf("long batch id: %v", err)
	}
	if id, err := batchID(withURLParam(r, "12")); id != "12" || err != nil {
		t.Errorf("batch 12: %q, %v", id, err)
	}
}

func TestParseTimeout(t *testing.T) {
	if d, err := parseTimeout(""); d != 0 || err != nil {
		t.Errorf("empty: %v %v", d, err)
	}
	if d, err := parseTimeout("90s"); d != 90*time.Second || err != nil {
		t.Errorf("90s: %v %v", d, err)
	}
	if _, err := parseTimeout("60"); !errors.Is(err, cluster.ErrInvalid) {
		t.Errorf("60: %v", err)
	}
}
