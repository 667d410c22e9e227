package cluster_test

import (
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestValidHostName holds the hand check to the rule it replaced,
// ^[A-Za-z0-9_-]{1,64}$.
func TestValidHostName(t *testing.T) {
	for name, want := range map[string]bool{
		"prim": true, "host-a": true, "lab_PC-07": true, strings.Repeat("a", 64): true,
		"": false, strings.Repeat("a", 65): false, "a.b": false, "a b": false, "é": false, "a/b": false,
	} {
		if got := cluster.ValidHostName(name); got != want {
			t.Errorf("ValidHostName(%q) = %v, want %v", name, got, want)
		}
	}
}
