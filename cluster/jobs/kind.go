package jobs

import (
	"context"
	"fmt"
)

// Kind describes one kind of job: its name, the inputs it accepts and how to run it.
// A Kind is a plain value; a Registry holds the kinds a pool offers.
type Kind struct {
	// Name is how requests refer to the kind, e.g. "fib" in ?kind=fib.
	Name string
	// Doc is a one-line description for help texts and the control panel.
	Doc string
	// Min and Max bound the input, both inclusive.
	Min, Max int64
	// Unit says what the input counts, e.g. "n", "ms" or "exit code".
	Unit string
	// Example is an input worth trying, declared in the worker's hello frame for the
	// panel; it is brought within Min..Max.
	Example int64
	// Run computes the result for input n. It should return ctx.Err() soon after ctx
	// is canceled. A Kind returned by Registry.Lookup has a Run that first rejects
	// inputs outside Min..Max and canceled contexts, so it is safe on unchecked input.
	Run func(ctx context.Context, n int64) (int64, error)
}

// Validate reports whether n is within the kind's bounds. Its error names the kind, the
// input and the bounds, and matches ErrOutOfRange and ErrInvalidInput.
func (k Kind) Validate(n int64) error {
	if n >= k.Min && n <= k.Max {
		return nil
	}
	return &inputError{
		msg:  fmt.Sprintf("%s input %d is out of range: must be between %d and %d", k.Name, n, k.Min, k.Max),
		also: ErrOutOfRange,
	}
}

// ValidateAll validates every input and reports the first bad one with its 1-based
// position, matching the positions ParseInputs uses. An empty list is valid here:
// whether a batch may be empty is the caller's decision.
func (k Kind) ValidateAll(inputs []int64) error {
	for i, n := range inputs {
		if err := k.Validate(n); err != nil {
			return fmt.Errorf("input %d: %w", i+1, err)
		}
	}
	return nil
}

// guarded returns k.Run wrapped so that it refuses out-of-range inputs and canceled
// contexts before doing any work. Register installs it because a worker may be handed
// input nobody validated (a hand-written client, a test), and for primes a huge n
// would otherwise exhaust memory.
func (k Kind) guarded() func(ctx context.Context, n int64) (int64, error) {
	run := k.Run
	return func(ctx context.Context, n int64) (int64, error) {
		if err := k.Validate(n); err != nil {
			return 0, err
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return run(ctx, n)
	}
}
