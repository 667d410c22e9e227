package cluster_test

import (
	"bufio"
	"context"
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

// envPrimary makes the test binary act as a primary that prints its workers' pids and
// waits to be killed.
const envPrimary = "GOCLUSTER_TEST_PRIMARY"

func init() {
	if os.Getenv(envPrimary) == "" || cluster.IsWorker() {
		return
	}
	os.Unsetenv(envPrimary)
	c, err := cluster.Start(cluster.Options{Workers: 2, Env: helperEnv("echo"), Silent: true})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	c.WaitReady(context.Background())
	for _, w := range c.Workers() {
		fmt.Println("pid", w.PID)
	}
	fmt.Println("ready")
	select {}
}

// alive reports whether pid is a running process (a zombie counts as dead).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] != 'Z'
}

func TestWorkersDieWithSIGKILLedPrimary(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envPrimary+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "ready" {
		if pid, ok := strings.CutPrefix(sc.Text(), "pid "); ok {
			n, _ := strconv.Atoi(pid)
			pids = append(pids, n)
		}
	}
	if len(pids) != 2 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("primary reported workers %v", pids)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	killed := time.Now()
	// The parent-death signal kills them at once; the minute is for a loaded machine,
	// and how fast they go is a benchmark's business, not this test's.
	deadline := killed.Add(time.Minute)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("worker %d outlived its primary", pid)
			}
			time.Sleep(time.Millisecond)
		}
	}
	t.Logf("workers gone %s after the primary was killed", time.Since(killed).Round(time.Millisecond))
}
