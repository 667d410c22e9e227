package jobs

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestValidNameIsItsPattern checks the hand-written check against the pattern
// it replaced, on edge cases and on random names over the interesting bytes.
func TestValidNameIsItsPattern(t *testing.T) {
	re := regexp.MustCompile(namePattern)
	cases := []string{"", "a", "z", "A", "0", "_", "fib", "a-b.c_d9", "a b", "é", "aé",
		"a" + strings.Repeat("b", 63), "a" + strings.Repeat("b", 64), "a\n", "-a", "a/"}
	alphabet := "az09_.-AZ/ \x00\xff"
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(70))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if got, want := ValidName(s), re.MatchString(s); got != want {
			t.Fatalf("ValidName(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
