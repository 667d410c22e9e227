package jobs

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestPrimes(t *testing.T) {
	k, err := Builtin().Lookup("primes")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ n, want int64 }{
		{0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 2}, {10, 4}, {100, 25}, {1000, 168},
		{1_000_000, 78498}, {10_000_000, 664579},
	}
	for _, tt := range tests {
		got, err := k.Run(context.Background(), tt.n)
		if err != nil || got != tt.want {
			t.Errorf("primes(%d) = %d, %v, want %d", tt.n, got, err, tt.want)
		}
	}
}

func TestPrimesMax(t *testing.T) {
	if testing.Short() {
		t.Skip("sieves 50 million numbers")
	}
	k, err := Builtin().Lookup("primes")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.Run(context.Background(), 50_000_000); err != nil || got != 3_001_134 {
		t.Errorf("primes(50000000) = %d, %v, want 3001134", got, err)
	}
}

// TestPrimesSegments compares tiny segments, whose edges fall everywhere, with trial
// division.
func TestPrimesSegments(t *testing.T) {
	for _, seg := range []int{1, 2, 3, 7, 64} {
		t.Run(fmt.Sprintf("seg=%d", seg), func(t *testing.T) {
			want := int64(0)
			for n := int64(0); n <= 3000; n++ {
				if isPrimeSlow(n) {
					want++
				}
				got, err := countPrimes(context.Background(), n, seg)
				if err != nil || got != want {
					t.Fatalf("countPrimes(%d, seg %d) = %d, %v, want %d", n, seg, got, err, want)
				}
			}
		})
	}
}

func isPrimeSlow(n int64) bool {
	if n < 2 {
		return false
	}
	for d := int64(2); d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}

func TestPrimesCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := countPrimes(ctx, 1_000_000, primesSegment); !errors.Is(err, context.Canceled) {
		t.Errorf("countPrimes after cancel = %v, want context.Canceled", err)
	}
}

func TestIsqrt(t *testing.T) {
	tests := []struct{ n, want int64 }{
		{0, 0}, {1, 1}, {3, 1}, {4, 2}, {48, 6}, {49, 7}, {50, 7},
		{49_999_999, 7071}, {50_000_000, 7071}, {7072*7072 - 1, 7071}, {7072 * 7072, 7072},
	}
	for _, tt := range tests {
		if got := isqrt(tt.n); got != tt.want {
			t.Errorf("isqrt(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func BenchmarkPrimesMax(b *testing.B) {
	for b.Loop() {
		if _, err := runPrimes(context.Background(), 50_000_000); err != nil {
			b.Fatal(err)
		}
	}
}
