package jobs

import (
	"context"
	"errors"
	"testing"
)

func TestCrash(t *testing.T) {
	k, err := Builtin().Lookup("crash")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []int64{1, 3, 255} {
		_, err := k.Run(context.Background(), code)
		var ce *CrashError
		if !errors.As(err, &ce) {
			t.Fatalf("crash Run(%d) error = %v, want *CrashError", code, err)
		}
		if ce.Code != int(code) {
			t.Errorf("CrashError.Code = %d, want %d", ce.Code, code)
		}
	}
}

func TestCrashBounds(t *testing.T) {
	k, err := Builtin().Lookup("crash")
	if err != nil {
		t.Fatal(err)
	}
	// 0 would be a clean exit and 256 wraps to 0 on Unix: neither is a crash.
	for _, code := range []int64{0, 256, -1} {
		_, err := k.Run(context.Background(), code)
		var ce *CrashError
		if errors.As(err, &ce) || !errors.Is(err, ErrOutOfRange) {
			t.Errorf("crash Run(%d) error = %v, want ErrOutOfRange and no CrashError", code, err)
		}
	}
}

func TestCrashErrorMessage(t *testing.T) {
	want := "crash job: worker exits with code 3"
	if got := (&CrashError{Code: 3}).Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
