package cluster_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// BenchmarkRollingRestart is make bench's row for issue 14's acceptance: 20 rolling
// restarts of a 2-worker HTTP pool under 6 keep-alive and 2 one-shot clients, as
// TestRollingRestartLosesNoRequest, reporting the failed requests (the target is
// 0), the requests served and the mean time of one restart. Go workers share the
// port with rr balancing; the plain case is the socket-activated Python server.
func BenchmarkRollingRestart(b *testing.B) {
	cases := []struct {
		name string
		opts func() (cluster.Options, bool)
	}{
		{"go-rr", func() (cluster.Options, bool) {
			return cluster.Options{Env: helperEnv("drainhttp"), Balance: cluster.BalanceRR}, true
		}},
		{"plain-python", func() (cluster.Options, bool) {
			py, err := exec.LookPath("python3")
			return cluster.Options{Exec: py, Args: []string{activatedServer}, Protocol: cluster.ProtocolNone}, err == nil
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			opts, ok := tc.opts()
			if !ok {
				b.Skip("python3 is not installed")
			}
			opts.Workers, opts.Listen, opts.DrainTimeout = 2, "127.0.0.1:0", 20*time.Second
			opts.Output = benchDiscard{}
			var okSum, failedSum int64
			var spent time.Duration
			for range b.N {
				c, err := cluster.Start(opts)
				if err != nil {
					b.Fatal(err)
				}
				served, failed, _, took := rollingRestartsUnderLoad(b, c, 20)
				spent += took
				okSum, failedSum = okSum+served, failedSum+failed
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				err = c.Close(ctx)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(failedSum)/float64(b.N), "failed-requests")
			b.ReportMetric(float64(okSum)/float64(b.N), "requests")
			b.ReportMetric(float64(spent.Milliseconds())/float64(b.N)/20, "restart-ms")
		})
	}
}

type benchDiscard struct{}

func (benchDiscard) Write(p []byte) (int, error) { return len(p), nil }
