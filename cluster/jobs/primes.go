package jobs

import (
	"context"
	"math"
)

// primesKind counts the primes <= n: a CPU-bound job whose time grows gently with n,
// unlike fib's cliff.
func primesKind() Kind {
	return Kind{
		Name:    "primes",
		Doc:     "counts the primes <= n with a segmented sieve",
		Min:     0,
		Max:     50_000_000,
		Unit:    "n",
		Example: 1000000,
		Run:     runPrimes,
	}
}

// primesSegment is how many odd numbers one sieve segment covers. 32 KiB of bools stays
// in cache and bounds memory however large n is.
const primesSegment = 1 << 15

func runPrimes(ctx context.Context, n int64) (int64, error) {
	return countPrimes(ctx, n, primesSegment)
}

// countPrimes counts the primes <= n with a segmented sieve over odd numbers, seg odd
// numbers per segment, checking ctx between segments. seg is a parameter so tests can
// make segment boundaries fall everywhere.
func countPrimes(ctx context.Context, n int64, seg int) (int64, error) {
	if n < 2 {
		return 0, nil
	}
	base := oddPrimesUpTo(isqrt(n))
	composite := make([]bool, seg)
	count := int64(1) // 2, the only even prime; the sieve looks at odd numbers only
	for lo := int64(3); lo <= n; lo += 2 * int64(seg) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hi := min(lo+2*int64(seg-1), n)
		count += sieveSegment(composite, lo, hi, base)
	}
	return count, nil
}

// sieveSegment counts the primes among the odd numbers lo, lo+2, ... <= hi (lo odd).
// composite[i] stands for lo+2i; base must hold every odd prime up to sqrt(hi).
func sieveSegment(composite []bool, lo, hi int64, base []int64) int64 {
	cells := composite[:(hi-lo)/2+1]
	clear(cells)
	for _, p := range base {
		if p*p > hi {
			break
		}
		// Start at p*p (smaller multiples have a smaller factor) or at the first odd
		// multiple of p in the segment, whichever is later.
		start := max(p*p, (lo+p-1)/p*p)
		if start%2 == 0 {
			start += p
		}
		for j := (start - lo) / 2; j < int64(len(cells)); j += p {
			cells[j] = true
		}
	}
	var count int64
	for _, c := range cells {
		if !c {
			count++
		}
	}
	return count
}

// oddPrimesUpTo returns the odd primes <= limit by a plain sieve; limit is at most
// sqrt(Max), about 7000, so this is tiny.
func oddPrimesUpTo(limit int64) []int64 {
	if limit < 3 {
		return nil
	}
	composite := make([]bool, limit+1)
	var primes []int64
	for i := int64(3); i <= limit; i += 2 {
		if composite[i] {
			continue
		}
		primes = append(primes, i)
		for j := i * i; j <= limit; j += 2 * i {
			composite[j] = true
		}
	}
	return primes
}

// isqrt returns the largest r with r*r <= n, for 0 <= n < 2^52, correcting the float
// estimate so rounding can never drop a base prime.
func isqrt(n int64) int64 {
	r := int64(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}
