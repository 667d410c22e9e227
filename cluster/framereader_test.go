package cluster

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestFrameReaderSplitsAndLimits(t *testing.T) {
	long := strings.Repeat("x", 100)
	in := "{\"t\":\"a\"}\n" + "{\"t\":\"" + long + "\"}\n" + strings.Repeat("y", 300) + "\n"
	fr := newFrameReader(strings.NewReader(in), 120)
	if got, err := fr.next(); err != nil || string(got) != `{"t":"a"}` {
		t.Fatalf("first frame %q, %v", got, err)
	}
	if got, err := fr.next(); err != nil || len(got) != 108 {
		t.Fatalf("second frame %d bytes, %v", len(got), err)
	}
	if _, err := fr.next(); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("oversized frame: got %v, want ErrFrameTooLarge", err)
	}
}

func TestFrameReaderTruncatedFrame(t *testing.T) {
	fr := newFrameReader(strings.NewReader(`{"t":"hello"`), 0)
	if _, err := fr.next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want unexpected EOF", err)
	}
	fr = newFrameReader(strings.NewReader(""), 0)
	if _, err := fr.next(); err != io.EOF {
		t.Fatalf("got %v, want EOF", err)
	}
}

func TestDecodeFrameRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "not json", "{}", `{"t":""}`, `[1,2]`, `{"t":5}`, `{"t":"job","job":"x"}`} {
		if _, err := decodeFrame([]byte(in)); !errors.Is(err, ErrBadFrame) {
			t.Errorf("decodeFrame(%q) = %v, want ErrBadFrame", in, err)
		}
	}
}

func TestJobFrameRoundTrip(t *testing.T) {
	f := frame{T: frameJob, Job: 42, Kind: "fib", In: json.RawMessage("-7")}
	b, err := appendFrame(nil, &f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeFrame(b[:len(b)-1])
	if err != nil || got.T != f.T || got.Job != f.Job || got.Kind != f.Kind || string(got.In) != string(f.In) {
		t.Fatalf("round trip: %+v, %v from %s", got, err, b)
	}
}

func FuzzFrameDecoder(f *testing.F) {
	f.Add([]byte("{\"t\":\"hello\",\"v\":1,\"id\":1}\n{\"t\":\"result\",\"job\":1,\"out\":5}\n"))
	f.Add([]byte("{\"t\":\"msg\",\"d\":{\"cmd\":\"notifyRequest\"}}\n"))
	f.Add([]byte("\n\n\x00{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(strings.NewReader(string(data)), 64)
		for i := 0; i < 1000; i++ {
			line, err := fr.next()
			if err != nil {
				return
			}
			if len(line) > 64 {
				t.Fatalf("frame of %d bytes passed a 64-byte limit", len(line))
			}
			decodeFrame(line)
		}
	})
}
