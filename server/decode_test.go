package server

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

type decodeTarget struct {
	Kind  string   `json:"kind"`
	Size  *int     `json:"size"`
	Codes []int64  `json:"codes"`
	Flag  bool     `json:"flag"`
	Skip  string   `json:"-"`
	Ratio *float64 `json:"ratio,omitempty"`
}

// TestDecodeStrictMessages: every way a body can be wrong is a bad_json error that
// says what is wrong and where.
func TestDecodeStrictMessages(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"kind":"fib"`, "ends too early"},
		{`{"kind" "fib"}`, "malformed JSON at byte"},
		{`{"kind":fib}`, "malformed JSON at byte"},
		{`{"size":"3"}`, `field "size" must be an integer, got string (at byte`},
		{`{"size":1.5}`, "1.5, which is not a whole number"},
		{`{"size":1e3}`, "1e3, which is not a whole number"},
		{`{"size":99999999999999999999}`, "99999999999999999999, which is too large"},
		{`{"kind":7}`, `field "kind" must be a string, got number`},
		{`{"codes":5}`, `field "codes" must be an array, got number`},
		{`{"flag":"yes"}`, `field "flag" must be true or false`},
		{`{"ratio":"x"}`, `field "ratio" must be a number`},
		{`{"nope":1}`, `unknown field "nope" (known fields: kind, size, codes, flag, ratio)`},
		{`{"kind":"fib"} {"kind":"x"}`, "unexpected data after the JSON object at byte 14"},
		{`{"kind":"fib"}]`, "unexpected data after the JSON object"},
		{`[1,2]`, "must be a JSON object"},
		{`null`, "must be a JSON object"},
		{`"fib"`, "must be a JSON object"},
		{``, "must be a JSON object"},
	} {
		var dst decodeTarget
		err := decodeStrict([]byte(c.body), &dst)
		if !errors.Is(err, errBadJSON) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want bad JSON containing %q", c.body, err, c.want)
		}
	}
}

func TestDecodeStrictAccepts(t *testing.T) {
	var dst decodeTarget
	err := decodeStrict([]byte(" \n{\"kind\":\"fib\",\"size\":3,\"codes\":[1,-2]}\n "), &dst)
	if err != nil || dst.Kind != "fib" || *dst.Size != 3 || len(dst.Codes) != 2 {
		t.Fatalf("got %+v, %v", dst, err)
	}
}

func TestBodyTypeOf(t *testing.T) {
	for _, c := range []struct {
		ct   string
		want bodyType
		err  bool
	}{
		{"", bodyLoose, false},
		{"application/json", bodyJSON, false},
		{"application/json; charset=utf-8", bodyJSON, false},
		{"application/merge-patch+json", bodyJSON, false},
		{"text/plain", bodyLoose, false},
		{"application/x-www-form-urlencoded", bodyLoose, false},
		{"multipart/form-data; boundary=x", 0, true},
		{"application/xml", 0, true},
		{"not a type;;", 0, true},
	} {
		r := httptest.NewRequest("POST", "/", nil)
		if c.ct != "" {
			r.Header.Set("Content-Type", c.ct)
		}
		got, err := bodyTypeOf(r)
		if (err != nil) != c.err || (err == nil && got != c.want) || (err != nil && !errors.Is(err, errUnsupportedMedia)) {
			t.Errorf("%q: got %v, %v", c.ct, got, err)
		}
	}
}

func TestReadBodyLimit(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 11)))
	if _, err := readBody(rec, r, 10); !errors.Is(err, errTooLarge) || statusOf(err) != 413 {
		t.Fatalf("11 bytes with limit 10: %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 10)))
	if b, err := readBody(rec, r, 10); err != nil || len(b) != 10 {
		t.Fatalf("10 bytes with limit 10: %d, %v", len(b), err)
	}
}

func TestDecodeJSONBodyEmptyIsAbsent(t *testing.T) {
	var dst decodeTarget
	r := httptest.NewRequest("POST", "/", strings.NewReader(" \n"))
	present, err := decodeJSONBody(httptest.NewRecorder(), r, 100, &dst)
	if present || err != nil {
		t.Fatalf("blank body: present %v, err %v", present, err)
	}
}
