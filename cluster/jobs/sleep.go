package jobs

import (
	"context"
	"time"
)

// sleepKind waits n milliseconds without using CPU: it shows scheduling and
// cancellation without heating the room. The bound (10 minutes) keeps a typo from
// parking a worker for days.
func sleepKind() Kind {
	return Kind{
		Name:    "sleep",
		Doc:     "sleeps n milliseconds, then returns n",
		Min:     0,
		Max:     600_000,
		Unit:    "ms",
		Example: 500,
		Run:     runSleep,
	}
}

// runSleep returns ms after sleeping that long, or ctx.Err() as soon as ctx is done.
func runSleep(ctx context.Context, ms int64) (int64, error) {
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return ms, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
