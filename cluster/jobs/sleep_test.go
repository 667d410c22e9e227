package jobs

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	k, err := Builtin().Lookup("sleep")
	if err != nil {
		t.Fatal(err)
	}
	for _, ms := range []int64{0, 1, 5} {
		got, err := k.Run(context.Background(), ms)
		if err != nil || got != ms {
			t.Errorf("sleep Run(%d) = %d, %v, want %d, nil", ms, got, err, ms)
		}
	}
	if _, err := k.Run(context.Background(), 600_001); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("sleep Run(600001) error = %v, want ErrOutOfRange", err)
	}
}

// TestSleepCancel asks for the longest sleep and cancels it; the deadline is generous
// so a loaded machine cannot make it flake, yet far below the 10 minutes asked for.
func TestSleepCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := runSleep(ctx, 600_000)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("sleep after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("sleep did not return within a minute of cancel")
	}
}

func TestSleepDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := runSleep(ctx, 600_000); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("sleep past deadline = %v, want context.DeadlineExceeded", err)
	}
}
