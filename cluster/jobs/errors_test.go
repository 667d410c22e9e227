package jobs

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"short", "4x2", "4x2"},
		{"exactly max", strings.Repeat("a", maxQuoted), strings.Repeat("a", maxQuoted)},
		{"long", strings.Repeat("a", 1000), strings.Repeat("a", maxQuoted) + "..."},
		// Byte 40 is the middle of an "é", so the cut moves back one byte.
		{"rune boundary", "a" + strings.Repeat("é", 30), "a" + strings.Repeat("é", 19) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clip(tt.in)
			if got != tt.want {
				t.Errorf("clip = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("clip = %q: not valid UTF-8", got)
			}
		})
	}
}

func TestInputErrorIs(t *testing.T) {
	plain := &inputError{msg: "no inputs given"}
	ranged := &inputError{msg: "x", also: ErrOutOfRange}
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"plain is invalid input", plain, ErrInvalidInput, true},
		{"plain is not out of range", plain, ErrOutOfRange, false},
		{"ranged is invalid input", ranged, ErrInvalidInput, true},
		{"ranged is out of range", ranged, ErrOutOfRange, true},
		{"ranged is not unknown kind", ranged, ErrUnknownKind, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
			}
		})
	}
	if plain.Error() != "no inputs given" {
		t.Errorf("Error() = %q, want the message unchanged", plain.Error())
	}
}
