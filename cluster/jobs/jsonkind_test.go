package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func upper(_ context.Context, in json.RawMessage) (any, error) {
	var s string
	if err := json.Unmarshal(in, &s); err != nil {
		return nil, Fail("upper takes a string", map[string]string{"got": string(in)})
	}
	return strings.ToUpper(s), nil
}

func TestRegisterJSONRejects(t *testing.T) {
	tests := []struct {
		name string
		kind JSONKind
		want string
	}{
		{"upper case", JSONKind{Name: "Upper", Run: upper}, "does not match"},
		{"empty", JSONKind{Name: "", Run: upper}, "does not match"},
		{"too long", JSONKind{Name: "a" + strings.Repeat("b", 64), Run: upper}, "does not match"},
		{"nil run", JSONKind{Name: "upper"}, "Run is nil"},
		{"two lines", JSONKind{Name: "upper", Doc: "a\nb", Run: upper}, "more than one line"},
		{"long doc", JSONKind{Name: "upper", Doc: strings.Repeat("é", 201), Run: upper}, "longer than 200"},
		{"example", JSONKind{Name: "upper", Example: func() {}, Run: upper}, "example"},
		{"taken", JSONKind{Name: "fib", Run: upper}, "already registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Builtin().RegisterJSON(tt.kind); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RegisterJSON = %v, want an error saying %q", err, tt.want)
			}
		})
	}
	if err := Builtin().Register(Kind{Name: "Fib2", Min: 0, Max: 1, Run: runFib}); err == nil {
		t.Fatal("a numeric kind with an upper-case name was registered")
	}
}

func TestJSONKindRunsAndDeclares(t *testing.T) {
	r := Builtin()
	if err := r.RegisterJSON(JSONKind{Name: "upper", Doc: "upper-cases a string", Example: "a<b", Run: upper}); err != nil {
		t.Fatal(err)
	}
	out, err := r.Run(context.Background(), "upper", json.RawMessage(`"a<b é"`))
	if err != nil || string(out) != `"A<B É"` {
		t.Fatalf("Run = %s, %v", out, err)
	}
	_, err = r.Run(context.Background(), "upper", json.RawMessage(`7`))
	if err == nil || err.Error() != "upper takes a string" || string(ErrorData(err)) != `{"got":"7"}` {
		t.Fatalf("Run(7) = %v with data %s", err, ErrorData(err))
	}
	out, err = r.Run(context.Background(), "fib", json.RawMessage(`10`))
	if err != nil || string(out) != "55" {
		t.Fatalf("fib 10 = %s, %v", out, err)
	}
	if _, err = r.Run(context.Background(), "fib", json.RawMessage(`"10"`)); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf(`fib "10": %v`, err)
	}
	if _, err = r.Run(context.Background(), "nope", nil); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("nope: %v", err)
	}
	var got []string
	for _, i := range r.Infos() {
		got = append(got, i.Name+" "+string(i.Example))
	}
	want := "crash 3|fib 30|primes 1000000|sleep 500|upper \"a<b\""
	if strings.Join(got, "|") != want {
		t.Fatalf("Infos = %q, want %q", strings.Join(got, "|"), want)
	}
}
