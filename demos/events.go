package demos

import (
	"context"
	"fmt"

	"github.com/gocluster/gocluster/cluster"
)

// eventBuffer is how far a demo may fall behind its pool's events. Demos print every
// event at once, so this is only reached if the terminal blocks for a long time.
const eventBuffer = 4096

// events reads a pool's events in seq order from the first one on: those retained
// before the subscription, then live ones, with no gap between them.
type events struct {
	sub     *cluster.Subscription
	pending []cluster.Event
}

func watchEvents(c *cluster.Cluster) *events {
	sub, missed, _ := c.SubscribeSince(0, eventBuffer)
	return &events{sub: sub, pending: missed}
}

// next returns the next event, or an error when ctx ended or the pool stopped.
func (e *events) next(ctx context.Context) (cluster.Event, error) {
	if len(e.pending) > 0 {
		ev := e.pending[0]
		e.pending = e.pending[1:]
		return ev, nil
	}
	select {
	case <-ctx.Done():
		return cluster.Event{}, ctx.Err()
	case ev, ok := <-e.sub.C:
		if !ok {
			return cluster.Event{}, fmt.Errorf("event stream ended: %w", e.sub.Err())
		}
		return ev, nil
	}
}

// ready returns the events already waiting, without blocking.
func (e *events) ready() []cluster.Event {
	out := e.takePending()
	for {
		select {
		case ev, ok := <-e.sub.C:
			if !ok {
				return out
			}
			out = append(out, ev)
		default:
			return out
		}
	}
}

// takePending returns the retained events not yet read, so that a caller may go on
// reading sub.C itself in a select.
func (e *events) takePending() []cluster.Event {
	out := e.pending
	e.pending = nil
	return out
}

func (e *events) close() { e.sub.Close() }

// exitReason is Node's `signal || code`: the signal's name, or the exit code.
func exitReason(ev cluster.Event) string {
	if ev.Signal != "" {
		return ev.Signal
	}
	if ev.Code != nil {
		return fmt.Sprint(*ev.Code)
	}
	return "unknown"
}

// intentional reports whether an exit event is of a worker retired on purpose
// (Node's worker.exitedAfterDisconnect).
func intentional(ev cluster.Event) bool { return ev.Intentional != nil && *ev.Intentional }
