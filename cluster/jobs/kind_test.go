package jobs

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		kind    Kind
		n       int64
		wantErr string // "" means valid
	}{
		{fibKind(), 0, ""},
		{fibKind(), 50, ""},
		{fibKind(), 51, "fib input 51 is out of range: must be between 0 and 50"},
		{fibKind(), -1, "fib input -1 is out of range: must be between 0 and 50"},
		{sleepKind(), 600_000, ""},
		{sleepKind(), 600_001, "sleep input 600001 is out of range: must be between 0 and 600000"},
		{primesKind(), 50_000_000, ""},
		{primesKind(), 50_000_001, "primes input 50000001 is out of range: must be between 0 and 50000000"},
		{crashKind(), 1, ""},
		{crashKind(), 0, "crash input 0 is out of range: must be between 1 and 255"},
		{crashKind(), 256, "crash input 256 is out of range: must be between 1 and 255"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.Name+"/"+strconv.FormatInt(tt.n, 10), func(t *testing.T) {
			err := tt.kind.Validate(tt.n)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate(%d) = %v, want nil", tt.n, err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Validate(%d) = %v, want %q", tt.n, err, tt.wantErr)
			}
			if !errors.Is(err, ErrOutOfRange) || !errors.Is(err, ErrInvalidInput) {
				t.Errorf("Validate(%d) = %v: want it to match ErrOutOfRange and ErrInvalidInput", tt.n, err)
			}
		})
	}
}

func TestValidateAll(t *testing.T) {
	tests := []struct {
		name    string
		inputs  []int64
		wantErr string
	}{
		{"nil", nil, ""},
		{"all good", []int64{44, 42, 42, 43}, ""},
		{"third bad", []int64{1, 2, 51, -1}, "input 3: fib input 51 is out of range: must be between 0 and 50"},
		{"first bad", []int64{-5}, "input 1: fib input -5 is out of range: must be between 0 and 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fibKind().ValidateAll(tt.inputs)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateAll = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("ValidateAll = %v, want %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrOutOfRange) {
				t.Errorf("ValidateAll = %v: want it to match ErrOutOfRange", err)
			}
		})
	}
}

func TestGuardedRefusesBeforeRunning(t *testing.T) {
	ran := false
	k := Kind{Name: "probe", Min: 1, Max: 3, Run: func(context.Context, int64) (int64, error) {
		ran = true
		return 7, nil
	}}
	run := k.guarded()

	if _, err := run(context.Background(), 4); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("run(4) error = %v, want ErrOutOfRange", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := run(ctx, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("run(canceled, 2) error = %v, want context.Canceled", err)
	}
	if ran {
		t.Fatal("Run was called for a refused input")
	}
	if got, err := run(context.Background(), 2); got != 7 || err != nil {
		t.Errorf("run(2) = %d, %v, want 7, nil", got, err)
	}
}

// FuzzValidate checks, for every built-in kind, that Validate accepts exactly
// Min..Max, that its errors are classified and name the input, and that a registered
// Run refuses an out-of-range input instead of doing the work.
func FuzzValidate(f *testing.F) {
	for _, n := range []int64{0, 1, 50, 51, 255, 256, -1, 600_000, 600_001, 50_000_001, 1 << 62, -1 << 63} {
		f.Add(n, uint8(0))
		f.Add(n, uint8(1))
		f.Add(n, uint8(2))
		f.Add(n, uint8(3))
	}
	reg := Builtin()
	kinds := reg.Kinds()
	f.Fuzz(func(t *testing.T, n int64, pick uint8) {
		k := kinds[int(pick)%len(kinds)]
		err := k.Validate(n)
		inRange := n >= k.Min && n <= k.Max
		if inRange != (err == nil) {
			t.Fatalf("%s.Validate(%d) = %v, in range: %v", k.Name, n, err, inRange)
		}
		if inRange {
			return
		}
		if !errors.Is(err, ErrOutOfRange) || !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("%s.Validate(%d) = %v: not classified", k.Name, n, err)
		}
		if msg := err.Error(); !strings.Contains(msg, k.Name) || !strings.Contains(msg, strconv.FormatInt(n, 10)) {
			t.Fatalf("%s.Validate(%d) = %q: want the kind and input named", k.Name, n, msg)
		}
		if _, err := k.Run(context.Background(), n); !errors.Is(err, ErrOutOfRange) {
			t.Fatalf("%s.Run(%d) error = %v, want ErrOutOfRange", k.Name, n, err)
		}
	})
}
