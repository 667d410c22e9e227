package cluster

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// decodeJSON is decodeFrame without the fast path: the reference the fast path must
// agree with on every input.
func decodeJSON(line []byte) (frame, error) {
	var f frame
	if err := json.Unmarshal(line, &f); err != nil {
		return f, ErrBadFrame
	}
	if f.T == "" {
		return f, ErrBadFrame
	}
	return f, nil
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

var codecFrames = []frame{
	{T: frameMsg, D: json.RawMessage(`"ping"`)},
	{T: frameMsg, D: json.RawMessage(`{"cmd":"notifyRequest","n":[1,2.5,null,true]}`)},
	{T: frameResult, Job: 7, Out: raw("55"), MS: 1.25},
	{T: frameResult, Job: 1},
	{T: frameResult, Job: 9, Out: raw("-12"), MS: 0.001},
	{T: frameResult, Job: 9, Out: raw("4611686018427387904"), MS: 123456.789},
	{T: frameResult, Job: 3, MS: 1e-7},               // json writes 1e-7: general path
	{T: frameResult, Job: 3, Err: "bad \"input\"\n"}, // errors: general path
	{T: frameHello, V: ProtocolVersion, ID: 3, PID: 4121},
	{T: frameListening, Addr: "127.0.0.1:8000"},
	{T: frameDisconnect},
	{T: frameExit, Code: 3},
}

// TestFastEncodingMatchesJSON checks that the hand-written encoders write what
// encoding/json writes, byte for byte.
func TestFastEncodingMatchesJSON(t *testing.T) {
	for _, f := range codecFrames {
		got, err := appendFrame(nil, &f)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(&f)
		if string(got) != string(want)+"\n" {
			t.Errorf("appendFrame(%+v) = %s, want %s", f, got, want)
		}
	}
}

// TestFramesRoundTrip checks encode then decode gives the frame back, for every kind.
func TestFramesRoundTrip(t *testing.T) {
	frames := append([]frame{{T: frameJob, Job: 42, Kind: "fib", In: raw("0")}, {T: frameJob, Job: 1, Kind: "sleep", In: raw("600000")}}, codecFrames...)
	for _, f := range frames {
		b, _ := appendFrame(nil, &f)
		got, err := decodeFrame(b[:len(b)-1])
		if err != nil || !reflect.DeepEqual(got, f) {
			t.Errorf("round trip of %s: %+v, %v", b, got, err)
		}
	}
}

var codecLines = []string{
	`{"t":"msg","d":"ping"}`, `{"t":"msg","d":{"a":1}}`, `{"t":"msg","d":null}`, `{"t":"msg","d":}`,
	`{"t":"msg","d":1,"x":2}`, `{"t":"msg","d": 1}`, `{"t":"msg","d":1 }`, `{"t":"msg","d":{"a":1}`,
	`{"t":"msg","d":{"t":"job"},"t":"job"}`, `{"t":"msg","d":"a\nb"}`, `{"t":"msg","d":[1,2}`,
	`{"t":"job","job":1,"kind":"fib","in":44}`, `{"t":"job","job":-0,"kind":"f_1","in":-3}`,
	`{"t":"job","job":01,"kind":"fib","in":4}`, `{"t":"job","job":1,"kind":"f\"b","in":4}`,
	`{"t":"job","job":1,"kind":"","in":4}`, `{"t":"job","job":1,"kind":"fib","in":4,"x":1}`,
	`{"t":"job","job":"x"}`, `{"t":"job","job":1234567890123456789,"kind":"fib","in":1}`,
	`{"t":"job","job":99999999999999999999,"kind":"fib","in":1}`, `{"t":"job","job":1,"kind":"fib"}`,
	`{"t":"result","job":7,"out":55,"ms":1.25}`, `{"t":"result","job":7}`, `{"t":"result","job":7,"ms":1e3}`,
	`{"t":"result","job":7,"ms":1.}`, `{"t":"result","job":7,"ms":.5}`, `{"t":"result","job":7,"ms":1e400}`,
	`{"t":"result","job":7,"ms":-0.0E+2}`, `{"t":"result","job":7,"out":5,"err":"x"}`, `{"t":"result","job":7,"ms":NaN}`,
	`{"t":"result","job":7,"out":55,"ms":1.25}}`, `{"t":"result","job":7,"out":55,"ms":1.25} `, `{"t":"result","job":`,
	`{"t":"hello","v":1,"id":3,"pid":4121}`, `{"t":""}`, `{}`, `not json`, ``,
}

func TestFastDecodingMatchesJSON(t *testing.T) {
	for _, line := range codecLines {
		checkDecodeAgrees(t, []byte(line))
	}
}

func checkDecodeAgrees(t *testing.T, line []byte) {
	t.Helper()
	got, err := decodeFrame(line)
	want, werr := decodeJSON(line)
	if (err == nil) != (werr == nil) || (err != nil && !errors.Is(err, ErrBadFrame)) {
		t.Fatalf("decodeFrame(%q) error %v, encoding/json says %v", line, err, werr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeFrame(%q) = %+v, encoding/json says %+v", line, got, want)
	}
}

// FuzzFastDecoder checks that the fast path never decodes a line differently from
// encoding/json, and never accepts one encoding/json rejects.
func FuzzFastDecoder(f *testing.F) {
	for _, line := range codecLines {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkDecodeAgrees(t, line) })
}

// BenchmarkFrameCodec measures encoding and decoding of the hot frames in-process,
// the fast paths against encoding/json.
func BenchmarkFrameCodec(b *testing.B) {
	for _, tc := range []struct {
		name string
		f    frame
	}{
		{"msg", frame{T: frameMsg, D: json.RawMessage(`{"cmd":"notifyRequest"}`)}},
		{"job", frame{T: frameJob, Job: 123456, Kind: "fib", In: raw("1")}},
		{"result", frame{T: frameResult, Job: 123456, Out: raw("1"), MS: 0.002}},
		{"job-json", frame{T: frameJob, Job: 123456, Kind: "tiny", In: raw(`{"n":1}`)}},
		{"result-json", frame{T: frameResult, Job: 123456, Out: raw(`{"r":1}`), MS: 0.002}},
	} {
		line, _ := appendFrame(nil, &tc.f)
		b.Run("encode/"+tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			for i := 0; i < b.N; i++ {
				buf, _ = appendFrame(buf[:0], &tc.f)
			}
		})
		b.Run("encode-json/"+tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			for i := 0; i < b.N; i++ {
				buf, _ = marshalFrame(buf[:0], tc.f)
			}
		})
		b.Run("decode-json/"+tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := decodeJSON(line[:len(line)-1]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("decode/"+tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := decodeFrame(line[:len(line)-1]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
