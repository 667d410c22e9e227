package cluster

import "time"

// Clock is the time source of the pool's policies (restart backoff, crash-loop window,
// job deadlines, progress coalescing). Tests inject a fake one so policy tests are
// deterministic; the zero Options use the real clock.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d, unless the returned stop
	// function is called first.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
