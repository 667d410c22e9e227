package server

import (
	"fmt"
	"testing"
	"time"
)

// TestFailureLimiterWindowAndBound: the limit blocks after max failures for the rest
// of the window, frees the IP after it, and the table never holds more than cap IPs.
func TestFailureLimiterWindowAndBound(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newFailureLimiter()
	l.cap, l.now = 50, func() time.Time { return now }
	for range signInMaxFailures - 1 {
		l.fail("10.0.0.1")
	}
	if _, b := l.blocked("10.0.0.1"); b {
		t.Fatal("blocked before the 10th failure")
	}
	l.fail("10.0.0.1")
	now = now.Add(20 * time.Second)
	if left, b := l.blocked("10.0.0.1"); !b || left != 40*time.Second {
		t.Fatalf("after 10 failures: blocked %v, %s left; want 40s", b, left)
	}
	now = now.Add(40 * time.Second)
	if _, b := l.blocked("10.0.0.1"); b {
		t.Fatal("still blocked after the window")
	}
	for i := range 1000 {
		l.fail(fmt.Sprintf("10.1.%d.%d", i/256, i%256))
		if len(l.ips) > l.cap {
			t.Fatalf("%d IPs tracked, cap %d", len(l.ips), l.cap)
		}
	}
}
