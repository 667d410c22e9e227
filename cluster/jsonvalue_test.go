package cluster

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// randomValue builds a random JSON value of at most depth levels: every type, and
// strings with the characters that need care (quotes, backslashes, newlines,
// control characters, unicode beyond the BMP, HTML characters, U+2028).
func randomValue(r *rand.Rand, depth int) any {
	n := 7
	if depth <= 0 {
		n = 5
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return []any{r.Int64() - r.Int64(), r.NormFloat64() * 1e6, float64(r.IntN(100)), 1e-9, -0.0}[r.IntN(5)]
	case 3, 4:
		return randomString(r)
	case 5:
		a := make([]any, r.IntN(5))
		for i := range a {
			a[i] = randomValue(r, depth-1)
		}
		return a
	default:
		m := map[string]any{}
		for range r.IntN(5) {
			m[randomString(r)] = randomValue(r, depth-1)
		}
		return m
	}
}

var awkward = []string{"\"", "\\", "\n", "\r\n", "\t", "\x00", "\x1f", "é", "日本", "😀", "<a&b>", "\u2028", "}", "{\"t\":\"job\"}", " ", "\\u0041"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(8) {
		if r.IntN(2) == 0 {
			b.WriteString(awkward[r.IntN(len(awkward))])
		} else {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	return b.String()
}

// compactJSON is v as compact JSON, the form inputs take on the wire; with html
// false, "<", ">" and "&" stay raw, as jobs.Marshal writes them.
func compactJSON(t testing.TB, v any, html bool) json.RawMessage {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

// checkValueRoundTrip puts v in a job frame and in a result frame, encodes and
// decodes each, and wants v back byte for byte, from the fast path and from
// encoding/json alike.
func checkValueRoundTrip(t *testing.T, v json.RawMessage) {
	t.Helper()
	for _, f := range []frame{
		{T: frameJob, Job: 7, Kind: "wordcount", In: v},
		{T: frameResult, Job: 7, Out: v, MS: 1.25},
		{T: frameResult, Job: 7, Out: v},
	} {
		line, err := appendFrame(nil, &f)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.IndexByte(line, '\n'); i != len(line)-1 {
			t.Fatalf("frame %q has a newline at %d of %d", line, i, len(line))
		}
		line = line[:len(line)-1]
		fast, ok := decodeFast(line)
		if !ok {
			t.Fatalf("the fast path refused its own frame %q", line)
		}
		ref, err := decodeJSON(line)
		if err != nil {
			t.Fatalf("encoding/json refused %q: %v", line, err)
		}
		got, want := fast.In, ref.In
		if f.T == frameResult {
			got, want = fast.Out, ref.Out
		}
		if !bytes.Equal(got, v) || !bytes.Equal(want, v) {
			t.Fatalf("value %s came back as %s (fast) and %s (encoding/json) from %q", v, got, want, line)
		}
	}
}

// TestJSONValuesRoundTrip is the property: any JSON value survives a job frame and
// a result frame unchanged.
func TestJSONValuesRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		v := compactJSON(t, randomValue(r, 4), i%2 == 0)
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkValueRoundTrip(t, v) })
		if t.Failed() {
			return
		}
	}
}

// FuzzJSONValueRoundTrip checks the same property for values the fuzzer makes up.
func FuzzJSONValueRoundTrip(f *testing.F) {
	for _, s := range []string{`null`, `"a\nb"`, `{"a":[1,2,{"b":"}"}]}`, `"\u2028<&>"`, `-0.5e-7`, `[]`, `"\\\""`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		var v bytes.Buffer
		json.Compact(&v, in)
		checkValueRoundTrip(t, v.Bytes())
	})
}

// TestDecodeV2Frames covers the version 2 frames and their edges against
// encoding/json.
func TestDecodeV2Frames(t *testing.T) {
	for _, line := range []string{
		`{"t":"job","job":7,"kind":"wordcount","in":"to be or not"}`,
		`{"t":"job","job":7,"kind":"wordcount","in":{"x":[1,{"y":"}"}]}}`,
		`{"t":"job","job":7,"kind":"wordcount","in":null}`,
		`{"t":"job","job":7,"kind":"wordcount","in":"a"b"}`,
		`{"t":"job","job":7,"kind":"wordcount","in":{"x":1}}}`,
		`{"t":"job","job":7,"kind":"wordcount","in":{"x":1},"in":2}`,
		`{"t":"job","job":7,"kind":"wordcount","in":[1,2}`,
		`{"t":"job","job":7,"kind":"wordcount","in":"\"}`,
		`{"t":"job","job":7,"kind":"wordcount","in":"\\"}`,
		`{"t":"job","job":7,"kind":"wordcount","in":tru}`,
		`{"t":"job","job":7,"kind":"wordcount","in":truex}`,
		`{"t":"result","job":7,"out":{"words":4},"ms":1.25}`,
		`{"t":"result","job":7,"out":"x","ms":1.25,"out":"y"}`,
		`{"t":"result","job":7,"out":["a",{"b":null}]}`,
		`{"t":"result","job":7,"out":[1,2],"ms":}`,
		`{"t":"result","job":7,"err":"bad","err_data":{"line":3}}`,
		`{"t":"result","job":7,"out":"\u00e9\ud83d\ude00"}`,
		`{"t":"hello","v":2,"id":3,"pid":4121,"kinds":[{"name":"wordcount","doc":"counts words","example":"to be"}]}`,
	} {
		checkDecodeAgrees(t, []byte(line))
	}
}
