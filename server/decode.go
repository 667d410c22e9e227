package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/gocluster/gocluster/cluster"
)

// readBody reads the whole request body, refusing more than max bytes with an error
// matching errTooLarge. Bodies are small (MaxBody, 1 MiB by default), and holding
// one in memory lets the decoders look at it before parsing.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, fmt.Errorf("%w: the body is larger than %d bytes", errTooLarge, max)
	case errors.Is(err, errSlowBody):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: cannot read the body: %v", cluster.ErrInvalid, err)
	}
	return b, nil
}

// bodyType is how a request body is read.
type bodyType int

const (
	bodyJSON  bodyType = iota // application/json or any +json type
	bodyLoose                 // no type, text/plain or curl -d's form type: JSON if it looks like JSON
)

// bodyTypeOf classifies the Content-Type. curl -d sends
// application/x-www-form-urlencoded unless told otherwise, so that type is read
// like text: `curl -d '{"size":3}'` and `curl -d '44 42'` both just work. Anything
// else (multipart forms, XML...) is refused with errUnsupportedMedia.
func bodyTypeOf(r *http.Request) (bodyType, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return bodyLoose, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%w: Content-Type %q cannot be parsed", errUnsupportedMedia, clip(ct))
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return bodyJSON, nil
	case mt == "text/plain" || mt == "application/x-www-form-urlencoded":
		return bodyLoose, nil
	}
	return 0, fmt.Errorf("%w: Content-Type %q is not supported: send JSON (application/json)",
		errUnsupportedMedia, clip(mt))
}

// isBlank reports whether b holds nothing but JSON whitespace.
func isBlank(b []byte) bool { return len(bytes.TrimLeft(b, " \t\r\n")) == 0 }

// looksLikeJSON reports whether b starts, after whitespace, with a JSON object.
func looksLikeJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// decodeJSONBody reads an optional JSON object body into dst. present is false for
// an empty body, which callers may accept (defaults) or refuse.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, max int64, dst any) (present bool, err error) {
	if _, err := bodyTypeOf(r); err != nil {
		return false, err
	}
	b, err := readBody(w, r, max)
	if err != nil || isBlank(b) {
		return false, err
	}
	return true, decodeStrict(b, dst)
}

// decodeStrict decodes one JSON object into dst, refusing unknown fields, keys given
// twice or in another case than documented (checkKeys), values of the wrong type
// and anything after the object. Its errors match errBadJSON and say
// what to fix: the field, the type it takes and the byte offset.
func decodeStrict(data []byte, dst any) error {
	if !looksLikeJSON(data) {
		return fmt.Errorf("%w: the body must be a JSON object: {...}", errBadJSON)
	}
	if err := checkKeys(data, dst); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, dst)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: unexpected data after the JSON object at byte %d", errBadJSON, end)
	}
	return nil
}

// jsonError rewrites encoding/json's errors for the person who wrote the body.
func jsonError(err error, dst any) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: malformed JSON at byte %d: %s", errBadJSON, syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		return typeError(typ)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: the JSON ends too early (a missing } or ]?)", errBadJSON)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return fmt.Errorf("%w: unknown field %s (known fields: %s)", errBadJSON, clip(name), knownFields(dst))
	}
	return fmt.Errorf("%w: %v", errBadJSON, err)
}

// typeError explains a value of the wrong JSON type, and numbers that are not whole
// or do not fit the field.
func typeError(e *json.UnmarshalTypeError) error {
	want := jsonTypeName(e.Type)
	if e.Field == "" {
		return fmt.Errorf("%w: the body must be a JSON object, not %s", errBadJSON, e.Value)
	}
	got := e.Value
	if num, ok := strings.CutPrefix(got, "number "); ok && want == "an integer" {
		if strings.ContainsAny(num, ".eE") {
			got = clip(num) + ", which is not a whole number"
		} else {
			got = clip(num) + ", which is too large"
		}
	}
	return fmt.Errorf("%w: field %q must be %s, got %s (at byte %d)", errBadJSON, e.Field, want, got, e.Offset)
}

// jsonTypeName names a Go type the way a JSON writer thinks of it.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return "an object"
}

// knownFields lists the JSON names of dst's fields, for "unknown field" messages.
func knownFields(dst any) string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "none"
	}
	var names []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
