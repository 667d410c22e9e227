// Package tiny is a benchmark package for the tests of gocluster-bench.
package tiny

import (
	"fmt"
	"testing"
)

// BenchmarkTiny reports a fixed figure per sub-benchmark, so the runner's medians
// can be checked exactly.
func BenchmarkTiny(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = fmt.Sprint(i)
			}
			b.ReportMetric(float64(10*n), "widgets/s")
		})
	}
}

// BenchmarkFails has one sub-benchmark that reports a figure and one that fails.
func BenchmarkFails(b *testing.B) {
	b.Run("ok", func(b *testing.B) { b.ReportMetric(1, "partial") })
	b.Run("bad", func(b *testing.B) { b.Fatal("this benchmark fails on purpose") })
}
