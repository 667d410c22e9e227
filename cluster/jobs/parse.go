package jobs

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
)

// DefaultMaxInputs is a sensible limit for ParseInputs: more jobs than this in one
// batch is almost surely a mistake, and each job costs memory in the primary.
const DefaultMaxInputs = 100_000

// ParseInputs parses a job list as people type it: base-10 integers with an optional
// leading + or -, separated by any mix of spaces, tabs, commas, semicolons and
// newlines ("44 42 42 43", "44,42, 42\n43"). Empty fields between separators are
// skipped. Decimals, hex, underscores and anything else are rejected with the token and
// its 1-based position. It rejects an empty list and, when maxJobs > 0, more than
// maxJobs inputs. Errors match ErrInvalidInput. Bounds are the kind's business: see
// Kind.ValidateAll.
func ParseInputs(text string, maxJobs int) ([]int64, error) {
	// Count first: it costs one scan, reports the true count when there are too many,
	// and lets the result be allocated once even for a million inputs.
	count := 0
	for range tokens(text) {
		count++
	}
	if count == 0 {
		return nil, &inputError{msg: "no inputs given"}
	}
	if maxJobs > 0 && count > maxJobs {
		return nil, &inputError{msg: fmt.Sprintf("too many inputs: %d > %d", count, maxJobs)}
	}
	inputs := make([]int64, 0, count)
	for pos, tok := range tokens(text) {
		n, err := parseToken(pos, tok)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, n)
	}
	return inputs, nil
}

// parseToken parses one token; pos is its 1-based position, for the message.
func parseToken(pos int, tok string) (int64, error) {
	n, err := strconv.ParseInt(tok, 10, 64)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, strconv.ErrRange):
		return 0, &inputError{msg: fmt.Sprintf("input %d %q does not fit in a 64-bit integer", pos, clip(tok))}
	default:
		return 0, &inputError{msg: fmt.Sprintf("input %d %q is not an integer", pos, clip(tok))}
	}
}

// tokens yields the non-empty runs of non-separator bytes in text with their 1-based
// positions. The tokens are substrings of text, so nothing is copied.
func tokens(text string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		pos := 0
		for i := 0; i < len(text); {
			if isSeparator(text[i]) {
				i++
				continue
			}
			j := i + 1
			for j < len(text) && !isSeparator(text[j]) {
				j++
			}
			pos++
			if !yield(pos, text[i:j]) {
				return
			}
			i = j
		}
	}
}

// isSeparator reports whether b separates inputs. \r is included so text pasted from
// Windows or sent by a browser form (CRLF) parses like the same text with LF.
func isSeparator(b byte) bool {
	switch b {
	case ' ', '\t', ',', ';', '\n', '\r':
		return true
	}
	return false
}
