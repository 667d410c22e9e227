package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// checkKeys refuses what encoding/json lets through silently in a body's top-level
// object: a key given twice (the last one would win, so {"size":1,"size":64} would
// mean 64 to us and perhaps 1 to a proxy or a log reader), and a key that matches a
// field only without regard to case ("KIND" for "kind"): the API's names are its
// documented ones, exactly. Syntax errors are left to the decoder, which reports
// them with their offset.
func checkKeys(data []byte, dst any) error {
	known := fieldNames(dst)
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return nil
		}
		if seen[key] {
			return fmt.Errorf("%w: field %q is given twice: give each field once", errBadJSON, clip(key))
		}
		seen[key] = true
		if !known[key] && knownFold(known, key) {
			return fmt.Errorf("%w: unknown field %q (known fields: %s; names are lower case)",
				errBadJSON, clip(key), knownFields(dst))
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil
		}
	}
	return nil
}

// fieldNames is the set of dst's JSON field names.
func fieldNames(dst any) map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return names
	}
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// knownFold reports whether key equals a known name but for case.
func knownFold(known map[string]bool, key string) bool {
	for name := range known {
		if strings.EqualFold(name, key) {
			return true
		}
	}
	return false
}
