package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// memReport is what primaryRSSChild prints: its own resident set and its workers'.
type memReport struct {
	Primary int64   `json:"primary"`
	Workers []int64 `json:"workers"`
}

// BenchmarkMemory starts a fresh primary process (this binary, outside any pool)
// with two standard idle workers and reports the primary's resident set and one
// worker's, once both are online.
func BenchmarkMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		exe, err := os.Executable()
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(exe)
		cmd.Env = childEnv("primaryrss")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		cmd.WaitDelay = 20 * time.Second
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("primary: %v", err)
		}
		var rep memReport
		if err := json.Unmarshal(out, &rep); err != nil || len(rep.Workers) == 0 {
			b.Fatalf("primary said %q: %v", out, err)
		}
		b.ReportMetric(float64(rep.Primary)/(1<<20), "primary-rss-MB")
		b.ReportMetric(float64(rep.Workers[0])/(1<<20), "worker-rss-MB")
	}
}

// primaryRSSChild becomes a primary (it was started as a helper, so it first drops
// the worker role), starts two workers, and prints a memReport once they are online.
func primaryRSSChild() int {
	os.Unsetenv(cluster.EnvWorkerID)
	os.Unsetenv(envHelper)
	c, err := cluster.Start(cluster.Options{Workers: 2, Silent: true, Env: helperEnv("")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	defer c.Close(ctx)
	if err := c.WaitReady(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rep := memReport{Primary: selfRSS()}
	for _, w := range c.Workers() {
		rep.Workers = append(rep.Workers, w.RSSBytes)
	}
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// selfRSS reads VmRSS from /proc/self/status, in bytes (0 if unreadable).
func selfRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
