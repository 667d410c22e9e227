package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// maxDecodeMessage bounds a bad_json message: whatever the body holds, what is
// echoed of it is clipped.
const maxDecodeMessage = 400

// FuzzDecodeStrict feeds any body to the strict decoder behind PUT /api/pool and the
// worker kill, crash and stop bodies, decoding into each of their request types and
// a wider test type. It never panics; a blank body is absent; every refusal is a 400
// bad_json with a bounded message; and what it accepts is one JSON object with only
// known fields, which decodes to the same value again after a round trip.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"size":3}`, `{"signal":"SIGKILL"}`, `{"code":3}`, `{"timeout":"30s"}`,
		`{"size":"3"}`, `{"size":1.5}`, `{"nope":1}`, `{"size":3} {"size":4}`, `[1]`, ` `, `{"codes":[1,-2],"flag":true}`} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return new(sizeRequest) },
		func() any { return new(killRequest) },
		func() any { return new(crashRequest) },
		func() any { return new(stopRequest) },
		func() any { return new(decodeTarget) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, newDst := range targets {
			dst := newDst()
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			present, err := decodeJSONBody(httptest.NewRecorder(), r, 1<<20, dst)
			if present == isBlank(body) {
				t.Fatalf("%T: present %v for %q", dst, present, body)
			}
			if err != nil {
				if !errors.Is(err, errBadJSON) || statusOf(err) != http.StatusBadRequest {
					t.Fatalf("%T: %q: error %v (status %d), want 400 bad_json", dst, body, err, statusOf(err))
				}
				if len(err.Error()) > maxDecodeMessage {
					t.Fatalf("%T: message of %d bytes: %s", dst, len(err.Error()), err)
				}
				continue
			}
			if present {
				checkAccepted(t, body, dst, newDst())
			}
		}
	})
}

// checkAccepted checks a body the decoder took into dst: one JSON object whose keys
// are all fields of dst (encoding/json matches them ignoring case), and dst survives
// a round trip through JSON into again.
func checkAccepted(t *testing.T, body []byte, dst, again any) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatalf("%T: accepted %q, which is not one JSON object: %v", dst, body, err)
	}
	known := strings.Split(knownFields(dst), ", ")
	for k := range obj {
		found := false
		for _, name := range known {
			found = found || strings.EqualFold(k, name)
		}
		if !found {
			t.Fatalf("%T: accepted unknown field %q in %q", dst, k, body)
		}
	}
	b, err := json.Marshal(dst)
	if err != nil {
		t.Fatalf("%T: marshal %+v: %v", dst, dst, err)
	}
	if err := decodeStrict(b, again); err != nil || !reflect.DeepEqual(dst, again) {
		t.Fatalf("%T: round trip of %q through %s: %+v, %v", dst, body, b, again, err)
	}
}
