package jobs

import (
	"errors"
	"unicode/utf8"
)

// Sentinel errors, for errors.Is. The server maps them to HTTP statuses; the messages of
// the errors that wrap them are written for the person who typed the input.
var (
	// ErrUnknownKind: Lookup was asked for a kind that is not registered.
	ErrUnknownKind = errors.New("unknown job kind")
	// ErrDuplicateKind: Register was given a name that is already taken.
	ErrDuplicateKind = errors.New("job kind already registered")
	// ErrInvalidInput: a job list or an input was rejected (ParseInputs, Validate,
	// ValidateAll); the caller should fix its input.
	ErrInvalidInput = errors.New("invalid job input")
	// ErrOutOfRange: an input is outside its kind's bounds (Validate, ValidateAll).
	// Such errors also match ErrInvalidInput.
	ErrOutOfRange = errors.New("job input out of range")
)

// inputError is an error about user input. Its message is exactly msg, so it reads
// naturally ("input 3 "4x2" is not an integer") instead of carrying a sentinel's text,
// while errors.Is still classifies it as ErrInvalidInput and, if set, as also.
type inputError struct {
	msg  string
	also error
}

func (e *inputError) Error() string { return e.msg }

// Is reports whether target is one of the sentinels this error belongs to.
func (e *inputError) Is(target error) bool {
	return target == ErrInvalidInput || (e.also != nil && target == e.also)
}

// maxQuoted bounds how much of a user's token is echoed in an error message, so a
// megabyte of junk does not become a megabyte of error.
const maxQuoted = 40

// clip shortens s to at most maxQuoted bytes plus "...", cutting on a rune boundary.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
