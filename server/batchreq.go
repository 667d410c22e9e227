package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// maxBatchInputs bounds the inputs of one list submitted over HTTP, in JSON as in
// text: more is almost surely a mistake, and a 1 MiB body cannot carry many more.
const maxBatchInputs = jobs.DefaultMaxInputs

// maxKindLen bounds a kind name; real ones are a word.
const maxKindLen = 64

// batchRequest is the JSON body of POST /api/batches. Inputs stay raw: any JSON
// value, or for a numeric kind a whole number that fits in 64 bits (jsonInputs).
type batchRequest struct {
	Kind    string            `json:"kind"`
	Inputs  []json.RawMessage `json:"inputs"`
	Timeout string            `json:"timeout"`
}

// batchSpec is a decoded submission, ready for cluster.Submit: integers from a
// text body, JSON values from a JSON body (see submitSpec).
type batchSpec struct {
	Kind    string
	Inputs  []int64
	JSON    []json.RawMessage
	Timeout time.Duration
}

// submitSpec queues a decoded list: integers, or JSON values.
func (s *Server) submitSpec(spec batchSpec, opts cluster.BatchOptions) (cluster.BatchInfo, error) {
	opts.Timeout = spec.Timeout
	if spec.JSON == nil {
		return s.c.Submit(spec.Kind, spec.Inputs, opts)
	}
	return s.c.SubmitJSON(spec.Kind, spec.JSON, opts)
}

// intKind says whether the pool serves kind as a numeric kind.
func (s *Server) intKind(kind string) bool {
	_, ok := s.c.IntKind(kind)
	return ok
}

// decodeBatchRequest reads POST /api/batches: a JSON body
// {"kind":"fib","inputs":[44,42],"timeout":"60s"}, or a text body "44 42" with
// ?kind=fib (and ?timeout=60s). ?kind and ?timeout may also complete a JSON body,
// but not contradict it. Every error is a 4xx: bad JSON, bad input, too large,
// unsupported type. The JSON inputs of a kind intKind says is numeric become
// integers (each checked, named inputs[i] if wrong); any other kind's stay JSON.
func decodeBatchRequest(w http.ResponseWriter, r *http.Request, maxBody int64, intKind func(string) bool) (batchSpec, error) {
	typ, err := bodyTypeOf(r)
	if err != nil {
		return batchSpec{}, err
	}
	body, err := readBody(w, r, maxBody)
	if err != nil {
		return batchSpec{}, err
	}
	var spec batchSpec
	var timeout string
	if typ == bodyJSON || looksLikeJSON(body) {
		spec, timeout, err = parseBatchJSON(body)
	} else {
		spec.Inputs, err = parseBatchText(body)
	}
	if err != nil {
		return batchSpec{}, err
	}
	if spec, err = withQuery(r, spec, timeout); err != nil || spec.JSON == nil || !intKind(spec.Kind) {
		return spec, err
	}
	spec.Inputs, err = jsonInputs(spec.JSON)
	spec.JSON = nil
	return spec, err
}

// parseBatchJSON decodes the JSON form; the timeout string is returned as written so
// it can be merged with ?timeout=.
func parseBatchJSON(body []byte) (batchSpec, string, error) {
	if isBlank(body) {
		return batchSpec{}, "", fmt.Errorf(`%w: the body is empty: send {"kind":"fib","inputs":[30,31]}`, errBadJSON)
	}
	var req batchRequest
	if err := decodeStrict(body, &req); err != nil {
		return batchSpec{}, "", err
	}
	switch {
	case len(req.Inputs) == 0:
		return batchSpec{}, "", fmt.Errorf(`%w: no inputs given: "inputs" must hold at least one value`, cluster.ErrInvalid)
	case len(req.Inputs) > maxBatchInputs:
		return batchSpec{}, "", fmt.Errorf("%w: too many inputs: %d > %d", cluster.ErrInvalid, len(req.Inputs), maxBatchInputs)
	}
	return batchSpec{Kind: req.Kind, JSON: req.Inputs}, req.Timeout, nil
}

// parseBatchText parses inputs as people type them ("44 42, 42\n43").
func parseBatchText(body []byte) ([]int64, error) {
	inputs, err := jobs.ParseInputs(string(body), maxBatchInputs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", cluster.ErrInvalid, err)
	}
	return inputs, nil
}

// jsonInputs converts the raw inputs, refusing strings, fractions, exponents and
// numbers beyond 64 bits with the position of the culprit.
func jsonInputs(raw []json.RawMessage) ([]int64, error) {
	switch {
	case len(raw) == 0:
		return nil, fmt.Errorf(`%w: no inputs given: "inputs" must hold at least one integer`, cluster.ErrInvalid)
	case len(raw) > maxBatchInputs:
		return nil, fmt.Errorf("%w: too many inputs: %d > %d", cluster.ErrInvalid, len(raw), maxBatchInputs)
	}
	inputs := make([]int64, len(raw))
	for i, m := range raw {
		n, err := jsonInt(m)
		if err != nil {
			return nil, fmt.Errorf("%w: inputs[%d] %s", errBadJSON, i, err)
		}
		inputs[i] = n
	}
	return inputs, nil
}

// jsonInt parses one raw JSON value as an int64. The decoder has already checked the
// syntax, so the first byte tells the type.
func jsonInt(m json.RawMessage) (int64, error) {
	s := string(m)
	switch s[0] {
	case '"':
		return 0, fmt.Errorf("is the string %s: write numbers without quotes", clip(s))
	case '{', '[', 't', 'f', 'n':
		return 0, fmt.Errorf("is %s, not an integer", clip(s))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%s does not fit in a 64-bit integer", clip(s))
	}
	return 0, fmt.Errorf("%s is not a whole number (no fraction or exponent)", clip(s))
}

// withQuery completes spec with ?kind= and ?timeout=, refusing a query value that
// contradicts the body, and checks a kind was given at all.
func withQuery(r *http.Request, spec batchSpec, timeout string) (batchSpec, error) {
	q := r.URL.Query()
	kind, err := merge("kind", spec.Kind, strings.TrimSpace(q.Get("kind")))
	if err != nil {
		return batchSpec{}, err
	}
	switch {
	case kind == "":
		return batchSpec{}, fmt.Errorf(`%w: no kind given: add ?kind=fib to the URL or "kind":"fib" to the JSON`,
			cluster.ErrInvalid)
	case len(kind) > maxKindLen || !utf8.ValidString(kind):
		return batchSpec{}, fmt.Errorf("%w: kind %q is not a job kind name", cluster.ErrInvalid, clip(kind))
	}
	timeout, err = merge("timeout", timeout, strings.TrimSpace(q.Get("timeout")))
	if err != nil {
		return batchSpec{}, err
	}
	spec.Kind = kind
	spec.Timeout, err = parseTimeout(timeout)
	return spec, err
}

// merge picks the body's or the query's value of a setting given in either place.
func merge(name, body, query string) (string, error) {
	if body != "" && query != "" && body != query {
		return "", fmt.Errorf("%w: %s is %q in the body but %q in the URL: give it once",
			cluster.ErrInvalid, name, clip(body), clip(query))
	}
	if body != "" {
		return body, nil
	}
	return query, nil
}

// parseFormInputs reads the panel form's inputs: a JSON array of values (for any
// kind) when the text starts with "[", else numbers as people type them.
func parseFormInputs(text string) (batchSpec, error) {
	trimmed := strings.TrimSpace(text)
	if !strings.HasPrefix(trimmed, "[") {
		ints, err := parseBatchText([]byte(text))
		return batchSpec{Inputs: ints}, err
	}
	var values []json.RawMessage
	if err := json.Unmarshal([]byte(trimmed), &values); err != nil {
		return batchSpec{}, fmt.Errorf(`%w: the inputs are not a JSON array such as ["to be", {"x": 1}]: %v`,
			cluster.ErrInvalid, err)
	}
	if len(values) == 0 {
		return batchSpec{}, fmt.Errorf("%w: no inputs given: the array is empty", cluster.ErrInvalid)
	}
	if len(values) > maxBatchInputs {
		return batchSpec{}, fmt.Errorf("%w: too many inputs: %d > %d", cluster.ErrInvalid, len(values), maxBatchInputs)
	}
	return batchSpec{JSON: values}, nil
}
