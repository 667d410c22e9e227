package jobs

import "testing"

func TestBuiltinKinds(t *testing.T) {
	tests := []struct {
		name     string
		min, max int64
		unit     string
	}{
		{"crash", 1, 255, "exit code"},
		{"fib", 0, 50, "n"},
		{"primes", 0, 50_000_000, "n"},
		{"sleep", 0, 600_000, "ms"},
	}
	kinds := Builtin().Kinds()
	if len(kinds) != len(tests) {
		t.Fatalf("Builtin has %d kinds, want %d", len(kinds), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kinds[i]
			if k.Name != tt.name || k.Min != tt.min || k.Max != tt.max || k.Unit != tt.unit {
				t.Errorf("kind = {%q %d..%d %q}, want {%q %d..%d %q}",
					k.Name, k.Min, k.Max, k.Unit, tt.name, tt.min, tt.max, tt.unit)
			}
			if k.Doc == "" || k.Run == nil {
				t.Errorf("kind %q: Doc or Run missing", k.Name)
			}
		})
	}
}
