package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func TestExitCodes(t *testing.T) {
	var sink strings.Builder
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0}, {usageErrorf("bad"), 2}, {errors.New("boom"), 1}, {errForced, 1},
		{asUsage(fmt.Errorf("demo: %w", cluster.ErrInvalid)), 2}, {context.Canceled, 130},
	} {
		if got := exitCode(tc.err, &sink); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// TestRunDispatch calls run in-process for the commands that start nothing.
func TestRunDispatch(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"version"}, &out, &out); err != nil || !strings.HasPrefix(out.String(), "gocluster ") {
		t.Errorf("version: %v, %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"help", "demo"}, &out, &out); err != nil || !strings.Contains(out.String(), "demo restart") {
		t.Errorf("help demo: %v, %q", err, out.String())
	}
	var usage *usageError
	for _, args := range [][]string{{"frob"}, {"demo", "fib", "-workers", "x"}, {"-workers", "-2"}} {
		if err := run(context.Background(), args, &out, &out); !errors.As(err, &usage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
