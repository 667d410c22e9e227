package jobs

import "context"

// fibKind is the seed's job: the n-th Fibonacci number by naive recursion. It exists
// to burn CPU, so the pool's speedup shows; it must never be memoized.
func fibKind() Kind {
	return Kind{
		Name:    "fib",
		Doc:     "n-th Fibonacci number by naive recursion (burns CPU on purpose)",
		Min:     0,
		Max:     50,
		Unit:    "n",
		Example: 30,
		Run:     runFib,
	}
}

// fibCheckFrom is the smallest n at which runFib looks at ctx. Below it the plain
// recursion runs unchecked: fib(25) takes well under a millisecond, so a cancel lands
// promptly, while the checks are too rare (about one per 250k calls) to cost anything.
const fibCheckFrom = 25

// runFib computes the same recursion tree as fib, checking ctx on its top levels so a
// canceled job stops instead of burning a core for another minute.
func runFib(ctx context.Context, n int64) (int64, error) {
	if n < fibCheckFrom {
		return fib(n), nil
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	a, err := runFib(ctx, n-1)
	if err != nil {
		return 0, err
	}
	b, err := runFib(ctx, n-2)
	if err != nil {
		return 0, err
	}
	return a + b, nil
}

// fib is the seed's fibo, case for case: n == 0 ? 0 : n > 1 ? fib(n-1) + fib(n-2) : 1.
// It is exponential on purpose.
func fib(n int64) int64 {
	if n == 0 {
		return 0
	}
	if n > 1 {
		return fib(n-1) + fib(n-2)
	}
	return 1
}
