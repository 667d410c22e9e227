package server

import (
	"fmt"
	"net/http"

	"github.com/gocluster/gocluster/cluster"
)

// maxFilterLen bounds ?kind=, ?run= and ?before=: longer is no name the pool made.
const maxFilterLen = 200

// parseHistory reads the filters of GET /api/batches and GET /batches: ?state=
// (running, done or canceled), ?kind=, ?run=, ?before= (a list id: older ones
// only, for the next page) and ?limit=.
func parseHistory(r *http.Request) (cluster.BatchFilter, error) {
	var f cluster.BatchFilter
	var err error
	if f.Limit, err = parseLimit(r, defaultBatchList, maxBatchList); err != nil {
		return f, err
	}
	q := r.URL.Query()
	switch st := cluster.BatchState(q.Get("state")); st {
	case "", cluster.BatchRunning, cluster.BatchDone, cluster.BatchCanceled:
		f.State = st
	default:
		return f, fmt.Errorf("%w: state %q is not running, done or canceled", cluster.ErrInvalid, clip(string(st)))
	}
	f.Kind, f.Run, f.Before = q.Get("kind"), q.Get("run"), q.Get("before")
	for name, v := range map[string]string{"kind": f.Kind, "run": f.Run, "before": f.Before} {
		if len(v) > maxFilterLen {
			return f, fmt.Errorf("%w: %s is longer than %d bytes", cluster.ErrInvalid, name, maxFilterLen)
		}
	}
	return f, nil
}
