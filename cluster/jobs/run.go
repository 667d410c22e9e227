package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Run runs one job of the kind called name on the JSON input in and returns its
// result as JSON: what a worker does with a job frame. A numeric kind takes a JSON
// integer and returns one. The error of a failed job is the job's error (a
// *FailError carries data too); a crash kind's is a *CrashError.
func (r *Registry) Run(ctx context.Context, name string, in json.RawMessage) (json.RawMessage, error) {
	r.mu.RLock()
	k, numeric := r.kinds[name]
	e, isJSON := r.jsonKinds[name]
	r.mu.RUnlock()
	switch {
	case numeric:
		n, err := IntInput(in)
		if err != nil {
			return nil, fmt.Errorf("%s input: %w", name, err)
		}
		out, err := k.Run(ctx, n)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, out, 10), nil
	case isJSON:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return runJSON(ctx, e.kind, in)
	}
	_, err := r.Lookup(name)
	return nil, err
}

// runJSON runs a JSON kind and marshals its result.
func runJSON(ctx context.Context, k JSONKind, in json.RawMessage) (json.RawMessage, error) {
	if len(in) == 0 {
		in = json.RawMessage("null")
	}
	v, err := k.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	out, err := Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s result: %w", k.Name, err)
	}
	return out, nil
}

// Marshal writes v as compact JSON without HTML escaping ("a<b" stays readable on
// the wire and in the API).
func Marshal(v any) (json.RawMessage, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return json.RawMessage(buf.b[:len(buf.b)-1]), nil // Encode adds a newline
}

type jsonBuffer struct{ b []byte }

func (w *jsonBuffer) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// ErrorData is the JSON data of a failed job's error: a *FailError's Data, or nil.
// Data that does not marshal is reported in place of the data.
func ErrorData(err error) json.RawMessage {
	var fe *FailError
	if !errors.As(err, &fe) || fe.Data == nil {
		return nil
	}
	b, merr := Marshal(fe.Data)
	if merr != nil {
		b, _ = Marshal("error data does not marshal: " + merr.Error())
	}
	return b
}
