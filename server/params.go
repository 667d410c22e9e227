package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
)

// parseWait reads ?wait=, the time a long poll may last: a Go duration such as 30s
// or 2m within 0..max. given is false when the parameter is absent.
func parseWait(r *http.Request, max time.Duration) (d time.Duration, given bool, err error) {
	v, given := queryValue(r, "wait")
	if !given {
		return 0, false, nil
	}
	d, err = time.ParseDuration(v)
	switch {
	case err != nil:
		return 0, true, fmt.Errorf("%w: wait %q is not a duration such as 30s or 2m", cluster.ErrInvalid, clip(v))
	case d < 0 || d > max:
		return 0, true, fmt.Errorf("%w: wait %s is outside 0s..%s", cluster.ErrInvalid, d, max)
	}
	return d, true, nil
}

// parseTimeout reads a job list's timeout, given as a Go duration string; "" is 0,
// the pool's default. Its range is the cluster's to check.
func parseTimeout(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%w: timeout %q is not a duration such as 60s or 5m", cluster.ErrInvalid, clip(v))
	}
	return d, nil
}

// parseLimit reads ?limit=: absent is def, otherwise a whole number in 1..max.
func parseLimit(r *http.Request, def, max int) (int, error) {
	v, given := queryValue(r, "limit")
	if !given {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, fmt.Errorf("%w: limit %q must be a whole number from 1 to %d", cluster.ErrInvalid, clip(v), max)
	}
	return n, nil
}

// workerID reads the {id} of /api/workers/{id}: a positive whole number.
func workerID(r *http.Request) (int, error) {
	v := chi.URLParam(r, "id")
	id, err := strconv.Atoi(v)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: worker id %q is not a positive whole number", cluster.ErrInvalid, clip(v))
	}
	return id, nil
}

// maxBatchIDLen bounds the job-list ids looked up: the cluster's are short numbers,
// and a long one is only echoed in the error.
const maxBatchIDLen = 64

// batchID reads the {id} of /api/batches/{id}.
func batchID(r *http.Request) (string, error) {
	id := chi.URLParam(r, "id")
	if len(id) > maxBatchIDLen {
		return "", fmt.Errorf("%w: no job list %q", cluster.ErrNotFound, clip(id))
	}
	return id, nil
}

// queryValue is the first value of a query parameter and whether it was given at
// all (?wait= counts as given, and then fails to parse).
func queryValue(r *http.Request, name string) (string, bool) {
	vs, ok := r.URL.Query()[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}
