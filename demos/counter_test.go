package demos

import (
	"encoding/json"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func TestReqCounterLine(t *testing.T) {
	var r RequestCounter
	if got := r.line(); got != "numReqs = 0" {
		t.Fatalf("empty: %q", got)
	}
	r.add(2, 0, 0)
	for range 3 {
		r.OnMessage(cluster.WorkerInfo{ID: 2}, json.RawMessage(`{"cmd":"notifyRequest"}`))
	}
	r.OnMessage(cluster.WorkerInfo{ID: 1}, json.RawMessage(`{"cmd":"notifyRequest","extra":1}`))
	r.OnMessage(cluster.WorkerInfo{ID: 1}, json.RawMessage(`"hi there"`))
	r.OnMessage(cluster.WorkerInfo{ID: 1}, json.RawMessage(`{"cmd":"other"}`))
	if got, want := r.line(), "numReqs = 4 (worker 1: 1, worker 2: 3), 2 other messages"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
