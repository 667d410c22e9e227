package cluster_test

import (
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func TestJobTimeout(t *testing.T) {
	for _, tc := range []struct {
		set, want time.Duration
	}{
		{0, time.Minute},
		{90 * time.Second, 90 * time.Second},
	} {
		c := startPool(t, cluster.Options{Workers: -1, Jobs: cluster.JobOptions{Timeout: tc.set}})
		if got := c.JobTimeout(); got != tc.want {
			t.Errorf("JobTimeout with JobOptions.Timeout %s = %s, want %s", tc.set, got, tc.want)
		}
	}
}
