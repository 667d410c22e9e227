package cluster_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func init() { helpers["bigsend"] = bigSendWorker }

// bigSendWorker answers each message with a message of that many bytes, or, if its
// own Send refuses it, with the error it got.
func bigSendWorker() int {
	m, err := cluster.Join()
	if err != nil {
		return 1
	}
	for {
		select {
		case msg := <-m.Messages():
			var n int
			json.Unmarshal(msg, &n)
			if err := m.Send(strings.Repeat("x", n)); err != nil {
				m.Send(map[string]any{"err": err.Error(), "is": errors.Is(err, cluster.ErrFrameTooLarge)})
			}
		case <-m.Disconnected():
			m.Close()
			return 0
		}
	}
}

// TestOversizedMessagesAreRefused: a message over the frame limit used to be sent
// anyway, and the receiving side dropped the channel: the worker exited (primary to
// worker) or was killed with worker.error (worker to primary), and the message was
// lost without a word. Now Send refuses it on either side and nobody dies.
func TestOversizedMessagesAreRefused(t *testing.T) {
	const limit = 64 << 10
	c := startPool(t, cluster.Options{Workers: 1, MaxFrame: limit, Env: helperEnv("bigsend")})
	ev := watch(t, c)
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	id := c.Workers()[0].ID
	w, err := c.Worker(id)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Send(strings.Repeat("y", 2*limit))
	if !errors.Is(err, cluster.ErrFrameTooLarge) || !errors.Is(err, cluster.ErrInvalid) {
		t.Fatalf("Send of %d bytes to a worker: %v, want ErrFrameTooLarge", 2*limit, err)
	}
	// The worker got nothing and lives; asked for an oversized answer, its Send refuses.
	if err := w.Send(2 * limit); err != nil {
		t.Fatal(err)
	}
	got := ev.next("the worker's answer", ofType(cluster.EventMessage, id))
	var ans struct {
		Err string
		Is  bool
	}
	if err := json.Unmarshal(got.Message, &ans); err != nil || !ans.Is {
		t.Fatalf("worker's Send of %d bytes: %s, want ErrFrameTooLarge", 2*limit, got.Message)
	}
	// A message just under the limit still goes both ways.
	if err := w.Send(limit - 100); err != nil {
		t.Fatal(err)
	}
	got = ev.next("a large answer", ofType(cluster.EventMessage, id))
	if len(got.Message) != limit-100+2 {
		t.Fatalf("answer of %d bytes, want %d", len(got.Message), limit-100+2)
	}
	drain(ev)
	for _, e := range ev.got {
		if e.Type == cluster.EventError || e.Type == cluster.EventExit {
			t.Fatalf("nothing should die for an oversized message: %+v", e)
		}
	}
	if ws := c.Workers(); len(ws) != 1 || ws[0].ID != id {
		t.Fatalf("workers: %+v, want worker %d alone", ws, id)
	}
}
