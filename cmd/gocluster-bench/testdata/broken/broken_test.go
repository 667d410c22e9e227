// Package broken does not compile, for the tests of gocluster-bench.
package broken

import "testing"

func BenchmarkBroken(b *testing.B) {
	var n int = "not an int"
	_ = n
}
