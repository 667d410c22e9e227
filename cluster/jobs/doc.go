// Package jobs owns the job kinds a gocluster pool can run and the parser for job
// lists typed by people ("44 42 42 43").
//
// It is pure code: no processes, no IPC, no package-level mutable state. The primary
// calls [Registry.Lookup], [ParseInputs] and [Kind.ValidateAll] before it queues a
// batch; the worker runtime in package cluster calls [Kind.Run] to execute one job.
//
// The built-in kinds, from [Builtin]:
//
//	kind    input              bounds             result
//	fib     n                  0..50              fib(n) by the seed's naive recursion
//	sleep   milliseconds       0..600000          the milliseconds slept
//	primes  n                  0..50000000        how many primes are <= n
//	crash   exit code          1..255             never: it returns a *CrashError
//
// fib is deliberately exponential (fib(44) keeps a core busy for seconds); it exists to
// burn CPU so the speedup of a pool is visible, and must never be memoized.
//
// crash does not exit by itself: its Run returns a [*CrashError] carrying the code, and
// the worker runtime, which owns the process, exits with it. That keeps this package
// testable and puts process control in one place.
//
// Every error about an input a person typed matches [ErrInvalidInput] with errors.Is;
// out-of-range inputs also match [ErrOutOfRange]. Unknown kinds match [ErrUnknownKind].
//
// To add a kind, write one small file with a constructor returning a [Kind] and add one
// line to the list in [Builtin].
package jobs
