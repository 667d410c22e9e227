package cluster

import (
	"regexp"
	"testing"
	"time"
)

// TestNewRunIDSortsAndDiffers: ids of later starts sort later as strings, and two
// ids of one millisecond differ (with 4 hex characters, a clash is 1 in 65536; ten
// tries all clashing would mean no randomness at all).
func TestNewRunIDSortsAndDiffers(t *testing.T) {
	t0 := time.UnixMilli(1_764_000_000_000)
	a, b := newRunID(t0), newRunID(t0.Add(time.Millisecond))
	if !regexp.MustCompile(`^[0-9a-z]{8}-[0-9a-f]{4}$`).MatchString(a) || a[:8] >= b[:8] {
		t.Fatalf("run ids %q then %q: want 8 base36 + dash + 4 hex, sorting by time", a, b)
	}
	for range 10 {
		if newRunID(t0) != newRunID(t0) {
			return
		}
	}
	t.Fatal("ten pairs of run ids of one millisecond were all equal")
}
