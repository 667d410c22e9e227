package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// JSONKind is a kind whose input and result are any JSON value: a word count over a
// string, a resize over {"path":..., "w":...}. Register it with
// Registry.RegisterJSON; a worker serving the registry declares it in its hello
// frame, so the primary and the panel learn it from there.
type JSONKind struct {
	// Name is how requests refer to the kind; see ValidName.
	Name string
	// Doc is a one-line description (at most MaxDocLen characters).
	Doc string
	// Example is an input worth trying, shown by the panel and GET /api/kinds; any
	// value encoding/json can marshal, nil for none.
	Example any
	// Run computes the result for the input in. The result is marshalled with
	// encoding/json; an error fails the job with its message (see Fail for an error
	// that carries data too).
	Run func(ctx context.Context, in json.RawMessage) (any, error)
}

// Info is a kind as a worker declares it in its hello frame and GET /api/kinds
// lists it.
type Info struct {
	Name    string          `json:"name"`
	Doc     string          `json:"doc"`
	Example json.RawMessage `json:"example"`
}

// MaxDocLen bounds a kind's Doc, in characters.
const MaxDocLen = 200

// namePattern is what ValidName accepts, for error messages. It is checked by
// hand, not compiled: a package-level regexp with {0,63} cost every process that
// links this package (every worker start) 732 allocations and ~1 ms of init.
const namePattern = `^[a-z][a-z0-9_.-]{0,63}$`

// ValidName reports whether name may name a kind: a lower-case letter, then up to
// 63 lower-case letters, digits, '_', '.' or '-'. Such names need no escaping in
// JSON, a URL or HTML.
func ValidName(name string) bool {
	if len(name) == 0 || len(name) > 64 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// CheckInfo says what is wrong with a declared kind, or returns nil.
func CheckInfo(k Info) error {
	switch {
	case !ValidName(k.Name):
		return fmt.Errorf("kind name %q does not match %s", clip(k.Name), namePattern)
	case len([]rune(k.Doc)) > MaxDocLen:
		return fmt.Errorf("kind %q: doc is longer than %d characters", k.Name, MaxDocLen)
	case strings.ContainsAny(k.Doc, "\r\n"):
		return fmt.Errorf("kind %q: doc is more than one line", k.Name)
	case len(k.Example) > 0 && !json.Valid(k.Example):
		return fmt.Errorf("kind %q: example is not JSON", k.Name)
	}
	return nil
}

// FailError is a job failure with data: the job fails with Msg as its error and
// Data, marshalled as JSON, as its error_data.
type FailError struct {
	Msg  string
	Data any
}

func (e *FailError) Error() string { return e.Msg }

// Fail returns an error that fails a JSON job with msg and data (see FailError).
func Fail(msg string, data any) error { return &FailError{Msg: msg, Data: data} }

// info describes k for a hello frame; a numeric kind's example is its Example
// brought within Min..Max.
func (k Kind) info() Info {
	ex := min(max(k.Example, k.Min), k.Max)
	return Info{Name: k.Name, Doc: k.Doc, Example: json.RawMessage(strconv.FormatInt(ex, 10))}
}

func (k JSONKind) info() (Info, error) {
	i := Info{Name: k.Name, Doc: k.Doc}
	if k.Example != nil {
		b, err := Marshal(k.Example)
		if err != nil {
			return i, fmt.Errorf("register job kind %q: example: %w", k.Name, err)
		}
		i.Example = b
	}
	return i, CheckInfo(i)
}

// IntInput reads a numeric kind's input: a JSON integer. Its error matches
// ErrInvalidInput.
func IntInput(in json.RawMessage) (int64, error) {
	n, err := strconv.ParseInt(string(in), 10, 64)
	if err != nil {
		return 0, &inputError{msg: fmt.Sprintf("%s is not a 64-bit integer", clip(string(in)))}
	}
	return n, nil
}
