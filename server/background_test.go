package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func TestBackgroundRestartIsExclusive(t *testing.T) {
	b := newBackground()
	release := make(chan struct{})
	started := make(chan struct{})
	if err := b.startRestart(func(context.Context) { close(started); <-release }); err != nil {
		t.Fatal(err)
	}
	<-started
	if !b.isRestarting() {
		t.Fatal("not restarting while the restart runs")
	}
	if err := b.startRestart(func(context.Context) {}); !errors.Is(err, errConflict) {
		t.Fatalf("second restart: %v, want errConflict", err)
	}
	close(release)
	waitFor(t, "restart to end", func() bool { return !b.isRestarting() })
	b.close()
	if err := b.startRestart(func(context.Context) {}); !errors.Is(err, cluster.ErrClosed) {
		t.Fatalf("restart after close: %v, want ErrClosed", err)
	}
}

// TestBackgroundCloseCancelsAndWaits: close ends the restart's context and returns
// only after the goroutine did.
func TestBackgroundCloseCancelsAndWaits(t *testing.T) {
	b := newBackground()
	done := make(chan struct{})
	b.startRestart(func(ctx context.Context) { <-ctx.Done(); close(done) })
	b.close()
	select {
	case <-done:
	default:
		t.Fatal("close returned before the restart goroutine")
	}
	b.close() // twice is fine
}

func TestWaitContextEndsAtClose(t *testing.T) {
	b := newBackground()
	ctx, cancel := b.waitContext(context.Background(), time.Hour)
	defer cancel()
	b.close()
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
		t.Fatal("long poll context survived close")
	}
	ctx2, cancel2 := b.waitContext(context.Background(), time.Millisecond)
	defer cancel2()
	<-ctx2.Done()
}
