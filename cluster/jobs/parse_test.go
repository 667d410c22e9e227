package jobs

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseInputsGood(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []int64
	}{
		{"spaces", "44 42 42 43", []int64{44, 42, 42, 43}},
		{"mixed", "44,42, 42\n43", []int64{44, 42, 42, 43}},
		{"tabs semicolons crlf", "\t+5;-7\r\n8\r\n", []int64{5, -7, 8}},
		{"empty fields skipped", ",,1,,;;2,", []int64{1, 2}},
		{"one", "7", []int64{7}},
		{"leading zeros", "007 -0 +0", []int64{7, 0, 0}},
		{"int64 limits", "9223372036854775807 -9223372036854775808", []int64{9223372036854775807, -9223372036854775808}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInputs(tt.text, DefaultMaxInputs)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseInputs(%q) = %v, %v, want %v", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestParseInputsBad(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		max     int
		wantErr string
	}{
		{"empty", "", 10, "no inputs given"},
		{"only separators", " ,;\t\r\n", 10, "no inputs given"},
		{"junk", "44 42 4x2 43", 10, `input 3 "4x2" is not an integer`},
		{"decimal", "1.5", 10, `input 1 "1.5" is not an integer`},
		{"hex", "1 0x10", 10, `input 2 "0x10" is not an integer`},
		{"underscore", "1_000", 10, `input 1 "1_000" is not an integer`},
		{"exponent", "1e3", 10, `input 1 "1e3" is not an integer`},
		{"bare sign", "1 - 2", 10, `input 2 "-" is not an integer`},
		{"double sign", "--1", 10, `input 1 "--1" is not an integer`},
		{"non-ascii digit", "٣", 10, `input 1 "٣" is not an integer`},
		{"nbsp is not a separator", "1\u00a02", 10, `input 1 "1\u00a02" is not an integer`},
		{"nul", "1\x002", 10, `input 1 "1\x002" is not an integer`},
		{"too large", "9223372036854775808", 10, `input 1 "9223372036854775808" does not fit in a 64-bit integer`},
		{"too small", "1 -9223372036854775809", 10, `input 2 "-9223372036854775809" does not fit in a 64-bit integer`},
		{"long junk clipped", "x" + strings.Repeat("y", 500), 10, `input 1 "x` + strings.Repeat("y", 39) + `..." is not an integer`},
		{"too many", "1 2 3", 2, "too many inputs: 3 > 2"},
		{"too many beats junk", "1 2 x", 2, "too many inputs: 3 > 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInputs(tt.text, tt.max)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("ParseInputs(%q, %d) = %v, %v, want error %q", tt.text, tt.max, got, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("error %v does not match ErrInvalidInput", err)
			}
		})
	}
}

func TestParseInputsLimit(t *testing.T) {
	text := strings.Repeat("1 ", DefaultMaxInputs+1)
	if _, err := ParseInputs(text, DefaultMaxInputs); err == nil || err.Error() != "too many inputs: 100001 > 100000" {
		t.Errorf("ParseInputs(100001 inputs) error = %v", err)
	}
	if got, err := ParseInputs(text, 0); err != nil || len(got) != DefaultMaxInputs+1 {
		t.Errorf("ParseInputs(max 0) = %d inputs, %v, want no limit", len(got), err)
	}
}

func TestParseInputsMillion(t *testing.T) {
	text := millionInputs()
	got, err := ParseInputs(text, 0)
	if err != nil || len(got) != 1_000_000 || got[999_999] != 999_999 {
		t.Fatalf("ParseInputs(1M) = %d inputs, %v", len(got), err)
	}
}

func millionInputs() string {
	var b strings.Builder
	for i := range 1_000_000 {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	return b.String()
}

func BenchmarkParseInputsMillion(b *testing.B) {
	text := millionInputs()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseInputs(text, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParseInputs checks that ParseInputs never panics, that what it accepts respects
// the limit and survives formatting and parsing again, and that its errors are
// classified and short.
func FuzzParseInputs(f *testing.F) {
	seeds := []string{
		"44 42 42 43", "44,42, 42\n43", "", " ,;", "4x2", "+1 -1", "1.5", "0x10",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "1\r\n2",
	}
	for _, s := range seeds {
		f.Add(s, 100)
	}
	f.Add("1 2 3", 2)
	f.Add("1 2 3", 0)
	f.Fuzz(func(t *testing.T, text string, max int) {
		got, err := ParseInputs(text, max)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) || len(err.Error()) > 200 {
				t.Fatalf("ParseInputs(%q) error %q: unclassified or too long", text, err)
			}
			return
		}
		if len(got) == 0 || (max > 0 && len(got) > max) {
			t.Fatalf("ParseInputs(%q, %d) accepted %d inputs", text, max, len(got))
		}
		again, err := ParseInputs(format(got), max)
		if err != nil || !slices.Equal(again, got) {
			t.Fatalf("re-parse of %v = %v, %v", got, again, err)
		}
	})
}

// format writes inputs the way a person would type them back.
func format(inputs []int64) string {
	parts := make([]string, len(inputs))
	for i, n := range inputs {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, " ")
}
