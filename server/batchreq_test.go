package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// batchRequestFor builds a POST /api/batches request without httptest.NewRequest,
// which panics on odd URLs: the fuzzer sends any query.
func batchRequestFor(contentType, query string, body []byte) *http.Request {
	r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/api/batches", RawQuery: query},
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader(string(body)))}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func decodeBatch(contentType, query, body string) (batchSpec, error) {
	return decodeBatchRequest(httptest.NewRecorder(), batchRequestFor(contentType, query, []byte(body)), 1<<20, anyIntKind)
}

func TestDecodeBatchRequestAccepts(t *testing.T) {
	seed := []int64{44, 42, 42, 43}
	for _, c := range []struct{ ct, query, body string }{
		{"application/json", "", `{"kind":"fib","inputs":[44,42,42,43],"timeout":"60s"}`},
		{"", "", `{"kind":"fib","inputs":[44,42,42,43],"timeout":"60s"}`},                        // curl -d without a type
		{"application/x-www-form-urlencoded", "kind=fib&timeout=60s", `44 42 42 43`},             // curl -d
		{"text/plain", "kind=fib&timeout=60s", "44,42, 42\r\n43\n"},                              // pasted text
		{"application/json", "kind=fib&timeout=60s", `{"inputs":[44,42,42,43]}`},                 // query completes JSON
		{"application/json", "kind=fib", `{"kind":"fib","inputs":[44,42,42,43],"timeout":"1m"}`}, // agreeing twice
	} {
		spec, err := decodeBatch(c.ct, c.query, c.body)
		if err != nil || spec.Kind != "fib" || !slices.Equal(spec.Inputs, seed) || spec.Timeout != time.Minute {
			t.Errorf("%q %q %q: got %+v, %v", c.ct, c.query, c.body, spec, err)
		}
	}
}

// TestDecodeBatchRequestRejects: every bad body is a 4xx with a message naming
// the problem.
func TestDecodeBatchRequestRejects(t *testing.T) {
	for _, c := range []struct {
		ct, query, body string
		status          int
		want            string
	}{
		{"application/json", "", `{"kind":"fib","inputs":[1.5]}`, 400, "inputs[0] 1.5 is not a whole number"},
		{"application/json", "", `{"kind":"fib","inputs":[1,2,1e2]}`, 400, "inputs[2] 1e2 is not a whole number"},
		{"application/json", "", `{"kind":"fib","inputs":[99999999999999999999]}`, 400, "does not fit in a 64-bit integer"},
		{"application/json", "", `{"kind":"fib","inputs":["44"]}`, 400, `inputs[0] is the string "44"`},
		{"application/json", "", `{"kind":"fib","inputs":[null]}`, 400, "inputs[0] is null"},
		{"application/json", "", `{"kind":"fib","inputs":[[1]]}`, 400, "inputs[0] is [1]"},
		{"application/json", "", `{"kind":"fib","inputs":[]}`, 400, "no inputs given"},
		{"application/json", "", `{"kind":"fib"}`, 400, "no inputs given"},
		{"application/json", "", `{"kind":"fib","inputs":"44 42"}`, 400, `field "inputs" must be an array, got string`},
		{"application/json", "", `{"kind":"fib","inputs":[1],"extra":true}`, 400, `unknown field "extra" (known fields: kind, inputs, timeout)`},
		{"application/json", "", `{"kind":"fib","inputs":[1],"timeout":60}`, 400, `field "timeout" must be a string`},
		{"application/json", "", `{"kind":"fib","inputs":[1],"timeout":"soon"}`, 400, `timeout "soon" is not a duration`},
		{"application/json", "", `{"kind":"fib","inputs":[1]} trailing`, 400, "unexpected data after the JSON object"},
		{"application/json", "", `{"kind":"fib","inputs":[1,2`, 400, "ends too early"},
		{"application/json", "", `44 42`, 400, "must be a JSON object"},
		{"application/json", "", ``, 400, "the body is empty"},
		{"application/json", "", `{"inputs":[1]}`, 400, "no kind given"},
		{"application/json", "kind=sleep", `{"kind":"fib","inputs":[1]}`, 400, `kind is "fib" in the body but "sleep" in the URL`},
		{"text/plain", "", `44 42`, 400, "no kind given"},
		{"text/plain", "kind=fib", `44 4x2`, 400, `input 2 "4x2" is not an integer`},
		{"text/plain", "kind=fib", `1.5`, 400, `input 1 "1.5" is not an integer`},
		{"text/plain", "kind=fib", ``, 400, "no inputs given"},
		{"text/plain", "kind=fib", `99999999999999999999`, 400, "does not fit in a 64-bit integer"},
		{"text/plain", "kind=fib", strings.Repeat("1 ", maxBatchInputs+1), 400, "too many inputs: 100001 > 100000"},
		{"application/json", "", `{"kind":"fib","inputs":[` + strings.Repeat("1,", maxBatchInputs) + `1]}`, 400, "too many inputs: 100001 > 100000"},
		{"text/plain", "kind=fib&timeout=forever", `1`, 400, `timeout "forever" is not a duration`},
		{"application/xml", "kind=fib", `<a/>`, 415, "application/xml"},
		{"multipart/form-data; boundary=x", "kind=fib", `1`, 415, "multipart/form-data"},
	} {
		_, err := decodeBatch(c.ct, c.query, c.body)
		if err == nil || statusOf(err) != c.status || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %q %.60q: got %v (%d), want %d containing %q", c.ct, c.query, c.body, err, statusOf(err), c.status, c.want)
		}
	}
}

func TestDecodeBatchRequestTooLarge(t *testing.T) {
	body := []byte(`{"kind":"fib","inputs":[` + strings.Repeat("1,", 600) + `1]}`)
	_, err := decodeBatchRequest(httptest.NewRecorder(), batchRequestFor("application/json", "", body), 1000, anyIntKind)
	if !errors.Is(err, errTooLarge) {
		t.Fatalf("got %v, want errTooLarge", err)
	}
}

// FuzzDecodeBatchRequest: whatever the type, query and body, decoding never panics
// and never fails with a 5xx; what it accepts is a usable submission, and decoding
// its JSON form again gives the same.
func FuzzDecodeBatchRequest(f *testing.F) {
	f.Add("application/json", "", []byte(`{"kind":"fib","inputs":[44,42,42,43],"timeout":"60s"}`))
	f.Add("", "kind=fib&wait=60s", []byte(`44 42 42 43`))
	f.Add("text/plain", "kind=sleep&timeout=1s", []byte("100,200;300\n"))
	f.Add("application/json", "kind=fib", []byte(`{"inputs":[1.5,"2",null,1e400]}`))
	f.Fuzz(func(t *testing.T, contentType, query string, body []byte) {
		spec, err := decodeBatchRequest(httptest.NewRecorder(), batchRequestFor(contentType, query, body), 1<<16, anyIntKind)
		if err != nil {
			if s := statusOf(err); s < 400 || s > 499 {
				t.Fatalf("status %d for %v", s, err)
			}
			return
		}
		if spec.Kind == "" || len(spec.Inputs) == 0 || len(spec.Inputs) > maxBatchInputs {
			t.Fatalf("accepted an unusable spec %+v", spec)
		}
		again, err := json.Marshal(map[string]any{"kind": spec.Kind, "inputs": spec.Inputs, "timeout": spec.Timeout.String()})
		if err != nil {
			t.Fatal(err)
		}
		spec2, err := decodeBatchRequest(httptest.NewRecorder(), batchRequestFor("application/json", "", again), 1<<20, anyIntKind)
		if err != nil || spec2.Kind != spec.Kind || !slices.Equal(spec2.Inputs, spec.Inputs) || spec2.Timeout != spec.Timeout {
			t.Fatalf("round trip of %s: %+v, %v; want %+v", again, spec2, err, spec)
		}
	})
}

// BenchmarkDecodeBatchRequest measures the largest list a request may carry:
// 100,000 inputs, as JSON and as text.
func BenchmarkDecodeBatchRequest(b *testing.B) {
	nums := strings.TrimSuffix(strings.Repeat("43,", maxBatchInputs), ",")
	for _, c := range []struct{ name, ct, query, body string }{
		{"json", "application/json", "", `{"kind":"fib","inputs":[` + nums + `]}`},
		{"text", "text/plain", "kind=fib", nums},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if _, err := decodeBatch(c.ct, c.query, c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// anyIntKind takes every kind for a numeric one, as the built-in kinds are.
func anyIntKind(string) bool { return true }

// TestDecodeBatchRequestKeepsJSON: a kind that is not numeric keeps its inputs as
// the JSON values they are.
func TestDecodeBatchRequestKeepsJSON(t *testing.T) {
	body := `{"kind":"wordcount","inputs":["a b",{"x":[1,2]},null,1.5]}`
	spec, err := decodeBatchRequest(httptest.NewRecorder(), batchRequestFor("application/json", "", []byte(body)), 1<<20,
		func(string) bool { return false })
	var got []string
	for _, v := range spec.JSON {
		got = append(got, string(v))
	}
	if err != nil || spec.Inputs != nil || strings.Join(got, " ") != `"a b" {"x":[1,2]} null 1.5` {
		t.Fatalf("spec %+v, %v", spec, err)
	}
}
