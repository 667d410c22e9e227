package cluster_test

import (
	"context"
	"sync"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestCallsDuringCloseDoNotRace: calls that reach the pool goroutine while Close
// ends it must not return before what they handed over has run. call used to give
// up as soon as Close had closed quit, while the loop could still run the closure,
// so Batches read its result as the loop wrote it: the race detector caught it
// in a test's cleanup on a loaded machine. Run with -race.
func TestCallsDuringCloseDoNotRace(t *testing.T) {
	for range 20 {
		c := startPool(t, cluster.Options{Workers: -1})
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					_ = len(c.Batches())
					c.Pool()
					select {
					case <-stop:
						return
					default:
					}
				}
			}()
		}
		c.Close(context.Background())
		for range 100 { // calls after Close, while the loop may not have seen quit
			_ = len(c.Batches())
		}
		close(stop)
		wg.Wait()
	}
}
