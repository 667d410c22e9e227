package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHealthzAndStopOnSIGINT(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "1")
	if body, code := request(t, "GET", base+"/healthz", ""); code != http.StatusOK || body != "ok" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	pids := pidsOf(waitPool(t, base, "one worker", func(p pool) bool { return len(p.Workers) == 1 }))
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d after SIGINT", code)
	}
	waitGone(t, pids, time.Minute)
}

// TestEnvironmentConfiguresServe sets the pool through GOCLUSTER_ variables and
// checks a flag wins over its variable.
func TestEnvironmentConfiguresServe(t *testing.T) {
	p, base := serveBin(t, []string{"GOCLUSTER_WORKERS=3", "GOCLUSTER_MAX_WORKERS=4", "GOCLUSTER_LOG_FORMAT=json"},
		"-workers", "1")
	if got := getPool(t, base).Size; got != 1 {
		t.Errorf("pool size %d: the -workers flag should win over GOCLUSTER_WORKERS", got)
	}
	if body, code := request(t, "PUT", base+"/api/pool", `{"size":5}`); code != http.StatusBadRequest {
		t.Errorf("PUT size 5 with GOCLUSTER_MAX_WORKERS=4: %d %s", code, body)
	}
	if body, code := request(t, "PUT", base+"/api/pool", `{"size":4}`); code/100 != 2 {
		t.Errorf("PUT size 4: %d %s", code, body)
	}
	waitPool(t, base, "four workers", func(p pool) bool { return len(p.Workers) == 4 })
	if !strings.Contains(p.out.String(), `"msg":"serving"`) {
		t.Errorf("GOCLUSTER_LOG_FORMAT=json gave no JSON log:\n%s", &p.out)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestPublicAddressWithToken(t *testing.T) {
	p := startBin(t, nil, "serve", "-addr", "0.0.0.0:0", "-token", "s3cret-token-for-tests", "-workers", "1")
	addr := p.out.waitMatch(t, rePanel)[1]
	port := addr[strings.LastIndexByte(addr, ':'):]
	if body, code := request(t, "GET", "http://127.0.0.1"+port+"/healthz", ""); code != http.StatusOK || body != "ok" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	if _, code := request(t, "GET", "http://127.0.0.1"+port+"/api/pool", ""); code != http.StatusUnauthorized {
		t.Errorf("GET /api/pool without the token: %d, want 401", code)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestSIGTERMLetsRunningJobsFinish sends SIGTERM while two 2-second jobs run: the
// process exits 0 once they are done, well within the shutdown timeout (the log
// says none was reached), and no worker is left.
func TestSIGTERMLetsRunningJobsFinish(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "2", "-shutdown-timeout", "5m")
	if body, code := request(t, "POST", base+"/api/batches", `{"kind":"sleep","inputs":[2000,2000,2000]}`); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	pl := waitPool(t, base, "two running jobs", func(p pool) bool { return p.Queue.Running == 2 })
	p.signal(t, syscall.SIGTERM)
	start := time.Now()
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d after SIGTERM", code)
	}
	took := time.Since(start)
	waitGone(t, pidsOf(pl), time.Minute)
	out := p.out.String()
	if !strings.Contains(out, "shutting down") || !strings.Contains(out, "every worker has exited") ||
		strings.Contains(out, "shutdown timeout reached") {
		t.Errorf("shutdown log:\n%s", out)
	}
	t.Logf("exited %s after SIGTERM", took.Round(time.Millisecond))
}

// TestShutdownTimeoutCancelsRunningJobs: a job longer than -shutdown-timeout does
// not hold the exit. When the timeout passes, the worker running it is killed, the
// job canceled, and the process still exits 0 with no worker left. The ten-minute
// job would outlast the wait below if the timeout were not enforced. The timeout is
// under a second because the pool's own stop timer for retiring workers is at least
// 1s (poolOptions): at 1s the two race, and when the stop timer wins, the worker is
// killed just the same but the shutdown logs no timeout.
func TestShutdownTimeoutCancelsRunningJobs(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "1", "-shutdown-timeout", "500ms")
	if body, code := request(t, "POST", base+"/api/batches", `{"kind":"sleep","inputs":[600000]}`); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	pl := waitPool(t, base, "the job running", func(p pool) bool { return p.Queue.Running == 1 })
	p.signal(t, syscall.SIGTERM)
	start := time.Now()
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0", code)
	}
	took := time.Since(start)
	waitGone(t, pidsOf(pl), time.Minute)
	out := p.out.String()
	for _, want := range []string{"shutting down",
		"shutdown timeout reached: workers still running jobs were killed and their jobs canceled",
		"every worker has exited"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	t.Logf("exited %s after SIGTERM", took.Round(time.Millisecond))
}

// TestSecondSignalForcesExit: jobs of ten minutes would hold a graceful shutdown
// for its whole timeout, far past the wait below; a second signal kills the
// workers at once.
func TestSecondSignalForcesExit(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "2", "-shutdown-timeout", "30m")
	if body, code := request(t, "POST", base+"/api/batches", `{"kind":"sleep","inputs":[600000,600000]}`); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	pl := waitPool(t, base, "two running jobs", func(p pool) bool { return p.Queue.Running == 2 })
	p.signal(t, syscall.SIGTERM)
	p.out.waitMatch(t, regexp.MustCompile(`shutting down`))
	p.signal(t, syscall.SIGINT)
	start := time.Now()
	code := p.wait(t, time.Minute)
	if code != 1 || !strings.Contains(p.out.String(), "forced shutdown") {
		t.Errorf("exit %d after the second signal, want 1 with 'forced shutdown'", code)
	}
	waitGone(t, pidsOf(pl), time.Minute)
	t.Logf("exited %s after the second signal", time.Since(start).Round(time.Millisecond))
}

// TestWorkersDieWithKilledPrimary: SIGKILL leaves the primary no chance to clean up;
// the workers must still go (parent-death signal).
func TestWorkersDieWithKilledPrimary(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "2")
	pids := pidsOf(waitPool(t, base, "two workers", func(p pool) bool { return len(p.Workers) == 2 }))
	p.signal(t, syscall.SIGKILL)
	p.wait(t, time.Minute)
	t.Logf("workers gone %s after the primary", waitGone(t, pids, time.Minute).Round(time.Millisecond))
}

// TestStartupLineOnce is the lesson's START banner bug: with four workers, the
// startup line is printed once, by the primary, and never by a worker.
func TestStartupLineOnce(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "4")
	waitPool(t, base, "four idle workers", func(p pool) bool {
		idle := 0
		for _, w := range p.Workers {
			if w.State == "idle" {
				idle++
			}
		}
		return idle == 4
	})
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
	out := p.out.String()
	if n := strings.Count(out, "gocluster panel:"); n != 1 {
		t.Fatalf("startup line printed %d times:\n%s", n, out)
	}
	if strings.Contains(out, "[worker") {
		t.Errorf("a worker printed something:\n%s", out)
	}
}

// TestRunReturnsNilOnCleanShutdown runs serve in this process (its workers are this
// test binary) and ends it through the context.
func TestRunReturnsNilOnCleanShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr output
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-workers", "1"}, &stdout, &stderr) }()
	base := "http://" + stdout.waitMatch(t, rePanel)[1]
	waitPool(t, base, "one worker", func(p pool) bool { return len(p.Workers) == 1 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, &stderr)
		}
	case <-time.After(time.Minute):
		t.Fatal("run did not return")
	}
}

// TestBusyPortFailsBeforeForking: the listener is opened first, so a taken port is
// a plain error (exit 1) and no worker is ever started.
func TestBusyPortFailsBeforeForking(t *testing.T) {
	first, base := serveBin(t, nil, "-workers", "1")
	addr := strings.TrimPrefix(base, "http://")
	out, code := runBin(t, nil, "serve", "-addr", addr, "-workers", "2")
	if code != 1 || !strings.Contains(out, "listen on "+addr) || !strings.Contains(out, "address already in use") {
		t.Fatalf("second serve on %s: exit %d, %q", addr, code, out)
	}
	first.signal(t, syscall.SIGTERM)
	if code := first.wait(t, time.Minute); code != 0 {
		t.Fatalf("first serve: exit %d", code)
	}
}
