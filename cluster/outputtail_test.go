package cluster_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

func init() {
	helpers["tail"] = func() int { // ends each stream with a line that has no newline
		fmt.Fprint(os.Stdout, "full line\nlast words on stdout")
		fmt.Fprint(os.Stderr, "last words on stderr")
		return jobsWorker()
	}
}

// TestLastOutputLineIsKept: a worker's last line without a newline used to be lost
// at its exit, and stderr lines looked like stdout lines. Now the rest is flushed
// when the worker exited, and stderr lines say so.
func TestLastOutputLineIsKept(t *testing.T) {
	var out syncBuffer
	c := startPool(t, cluster.Options{Workers: 1, Env: helperEnv("tail"), Output: &out})
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	id := c.Workers()[0].ID
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		fmt.Sprintf("[worker %d] full line\n", id),
		fmt.Sprintf("[worker %d] last words on stdout\n", id),
		fmt.Sprintf("[worker %d stderr] last words on stderr\n", id),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q; got:\n%s", want, got)
		}
	}
}
