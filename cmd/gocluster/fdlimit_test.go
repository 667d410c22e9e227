package main

import (
	"strings"
	"testing"
)

// TestConnBudget: the automatic cap leaves the workers' files aside; a -max-conns
// over it is refused with the limit named.
func TestConnBudget(t *testing.T) {
	auto, err := connBudget(0, 4, sources{})
	if err != nil || auto < minConns {
		t.Fatalf("connBudget(0, 4) = %d, %v", auto, err)
	}
	if n, err := connBudget(auto, 4, sources{}); n != auto || err != nil {
		t.Fatalf("connBudget(%d, 4) = %d, %v; want it back", auto, n, err)
	}
	if _, err := connBudget(auto+1, 4, sources{}); err == nil || !strings.Contains(err.Error(), "-max-conns") {
		t.Fatalf("connBudget over the budget: %v; want an error naming -max-conns", err)
	}
}
