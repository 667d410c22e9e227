package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func constKind(name string) Kind {
	return Kind{Name: name, Min: 0, Max: 10, Run: func(_ context.Context, n int64) (int64, error) { return n, nil }}
}

func TestRegisterRejects(t *testing.T) {
	noRun := constKind("norun")
	noRun.Run = nil
	upsideDown := constKind("upside")
	upsideDown.Min, upsideDown.Max = 5, 4
	tests := []struct {
		name    string
		kind    Kind
		wantErr string
	}{
		{"empty name", constKind(""), "register job kind: empty name"},
		{"nil run", noRun, `register job kind "norun": Run is nil`},
		{"min above max", upsideDown, `register job kind "upside": Min 5 > Max 4`},
		{"duplicate", fibKind(), `register job kind "fib": job kind already registered`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Builtin().Register(tt.kind)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Register = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestRegisterDuplicateIs(t *testing.T) {
	var r Registry // the zero Registry is usable
	if err := r.Register(constKind("echo")); err != nil {
		t.Fatalf("first Register = %v", err)
	}
	if err := r.Register(constKind("echo")); !errors.Is(err, ErrDuplicateKind) {
		t.Fatalf("second Register = %v, want ErrDuplicateKind", err)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name    string
		reg     *Registry
		lookup  string
		wantErr string
	}{
		{"known", Builtin(), "fib", ""},
		{"unknown", Builtin(), "fibb", `unknown job kind "fibb" (known: crash, fib, primes, sleep)`},
		{"case matters", Builtin(), "FIB", `unknown job kind "FIB" (known: crash, fib, primes, sleep)`},
		{"empty registry", &Registry{}, "fib", `unknown job kind "fib" (known: none)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := tt.reg.Lookup(tt.lookup)
			if tt.wantErr == "" {
				if err != nil || k.Name != tt.lookup {
					t.Fatalf("Lookup = %+v, %v, want kind %q", k, err, tt.lookup)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Lookup error = %v, want %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrUnknownKind) {
				t.Errorf("Lookup error = %v, want it to match ErrUnknownKind", err)
			}
		})
	}
}

func TestLookupGuardsRun(t *testing.T) {
	k, err := Builtin().Lookup("primes")
	if err != nil {
		t.Fatal(err)
	}
	// Unguarded, this n would ask the sieve for an absurd amount of work.
	if _, err := k.Run(context.Background(), 1<<62); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Run(1<<62) error = %v, want ErrOutOfRange", err)
	}
}

func TestKindsSortedAndFresh(t *testing.T) {
	a, b := Builtin(), Builtin()
	if err := a.Register(constKind("aaa")); err != nil {
		t.Fatal(err)
	}
	if got, want := a.Names(), []string{"aaa", "crash", "fib", "primes", "sleep"}; !slices.Equal(got, want) {
		t.Errorf("Names after Register = %v, want %v", got, want)
	}
	if got, want := b.Names(), []string{"crash", "fib", "primes", "sleep"}; !slices.Equal(got, want) {
		t.Errorf("a second Builtin() saw the first one's kind: %v, want %v", got, want)
	}
	kinds := a.Kinds()
	if !slices.IsSortedFunc(kinds, func(x, y Kind) int { return strings.Compare(x.Name, y.Name) }) {
		t.Errorf("Kinds not sorted by name: %v", a.Names())
	}
}

// TestRegistryConcurrent is meant for -race: registering while others look up.
func TestRegistryConcurrent(t *testing.T) {
	r := Builtin()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := r.Register(constKind(fmt.Sprintf("k%d", i))); err != nil {
				t.Error(err)
			}
			if _, err := r.Lookup("fib"); err != nil {
				t.Error(err)
			}
			_ = r.Kinds()
		})
	}
	wg.Wait()
	if got := len(r.Kinds()); got != 12 {
		t.Errorf("len(Kinds) = %d, want 12", got)
	}
}
