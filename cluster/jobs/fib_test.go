package jobs

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fibTable holds fib(0)..fib(30), written out rather than computed so the test cannot
// share a bug with the code.
var fibTable = []int64{
	0, 1, 1, 2, 3, 5, 8, 13, 21, 34,
	55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181,
	6765, 10946, 17711, 28657, 46368, 75025, 121393, 196418, 317811, 514229,
	832040,
}

func TestFib(t *testing.T) {
	k, err := Builtin().Lookup("fib")
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range fibTable {
		got, err := k.Run(context.Background(), int64(n))
		if err != nil || got != want {
			t.Errorf("fib(%d) = %d, %v, want %d", n, got, err, want)
		}
	}
}

func TestFibBounds(t *testing.T) {
	k, err := Builtin().Lookup("fib")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		n       int64
		wantErr string
	}{
		{-1, "fib input -1 is out of range: must be between 0 and 50"},
		{51, "fib input 51 is out of range: must be between 0 and 50"},
		{1 << 40, "fib input 1099511627776 is out of range: must be between 0 and 50"},
	}
	for _, tt := range tests {
		_, err := k.Run(context.Background(), tt.n)
		if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrOutOfRange) {
			t.Errorf("fib Run(%d) error = %v, want %q", tt.n, err, tt.wantErr)
		}
	}
}

// TestFibCancel starts fib(50), which would take about a minute, and cancels it.
func TestFibCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := runFib(ctx, 50)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("runFib after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("runFib(50) did not stop within a minute of cancel")
	}
}
