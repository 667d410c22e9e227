package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// background owns what the API starts that may outlive a request: the rolling
// restart goroutine, and the context that ends long polls when the Server closes (so
// http.Server.Shutdown is not held up by a five-minute ?wait=).
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex // guards closed and restarting
	closed     bool
	restarting bool
}

func newBackground() *background {
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel}
}

// waitContext is the context of a long poll of d: it ends after d, when the request
// ends, or when the server closes.
func (b *background) waitContext(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, d)
	stop := context.AfterFunc(b.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// startRestart runs restart in a goroutine it owns, unless one is already running
// (errConflict) or the server closed (cluster.ErrClosed). restart's context is
// canceled by close.
func (b *background) startRestart(restart func(ctx context.Context)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return fmt.Errorf("%w: the server is shutting down", cluster.ErrClosed)
	case b.restarting:
		return fmt.Errorf("%w: a rolling restart is already running; wait for it to finish", errConflict)
	}
	b.restarting = true
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer b.setRestarting(false)
		restart(b.ctx)
	}()
	return nil
}

func (b *background) setRestarting(v bool) {
	b.mu.Lock()
	b.restarting = v
	b.mu.Unlock()
}

// isRestarting reports whether a rolling restart started by the API is running.
func (b *background) isRestarting() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.restarting
}

// close cancels the restart and every long poll, and waits for the restart
// goroutine. It is safe to call more than once.
func (b *background) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}
