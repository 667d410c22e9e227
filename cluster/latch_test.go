package cluster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/cluster/jobs"
)

// A latch job holds its worker until the test releases it, so a test can keep a
// worker busy exactly as long as it needs, with no guess at how long that is.
// Job "latch n" returns n once the file n, or the file "all", exists in the directory
// named by envLatch.
const envLatch = "GOCLUSTER_TEST_LATCH"

func init() { helpers["latch"] = latchWorker }

func latchKind() jobs.Kind {
	return jobs.Kind{Name: "latch", Doc: "waits until the test releases latch n", Min: 0, Max: 1000, Unit: "latch",
		Run: func(ctx context.Context, n int64) (int64, error) {
			dir := os.Getenv(envLatch)
			for {
				for _, name := range []string{strconv.FormatInt(n, 10), "all"} {
					if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
						return n, nil
					}
				}
				select {
				case <-ctx.Done():
					return 0, ctx.Err()
				case <-time.After(2 * time.Millisecond):
				}
			}
		}}
}

func latchRegistry() *jobs.Registry {
	r := jobs.Builtin()
	if err := r.Register(latchKind()); err != nil {
		panic(err)
	}
	return r
}

func latchWorker() int {
	if err := cluster.RunWorker(context.Background(), latchRegistry()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// latchPool starts a pool whose workers know the latch kind; release(n) lets the job
// "latch n" finish.
func latchPool(t *testing.T, opts cluster.Options) (c *cluster.Cluster, release func(n int)) {
	dir := t.TempDir()
	opts.Env = append(helperEnv("latch"), envLatch+"="+dir)
	opts.Jobs.Registry = latchRegistry()
	c = startPool(t, opts)
	open := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Error(err)
		}
	}
	// Before the pool closes (cleanups run last first), so that a failed test does
	// not leave Close waiting on a held worker.
	t.Cleanup(func() { open("all") })
	return c, func(n int) { open(strconv.Itoa(n)) }
}
