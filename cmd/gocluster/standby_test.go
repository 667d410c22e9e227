package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// standbyCount reads "standby" from GET /api/pool: the spares ready.
func standbyCount(t *testing.T, base string) int {
	t.Helper()
	var p struct{ Standby int }
	body, _ := request(t, "GET", base+"/api/pool", "")
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("GET /api/pool: %v: %s", err, body)
	}
	return p.Standby
}

func waitStandbyCount(t *testing.T, base string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for standbyCount(t, base) != n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d standbys", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// children lists the live child processes of pid.
func children(pid int) []int {
	var out []int
	for c := range childCPU(pid) {
		if alive(c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// TestStandbysDieWithThePrimary: SIGKILL of serve leaves neither workers nor
// spares behind (they get SIGKILL from the kernel, Pdeathsig, and EOF on IPC).
func TestStandbysDieWithThePrimary(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "1", "-standby", "2")
	waitStandbyCount(t, base, 2)
	kids := children(p.cmd.Process.Pid)
	if len(kids) != 3 {
		t.Fatalf("serve -workers 1 -standby 2 has children %v, want 3", kids)
	}
	p.signal(t, syscall.SIGKILL)
	p.wait(t, time.Minute)
	waitGone(t, kids, time.Minute)
}

// TestStandbyNotWithExec: -exec runs another program, which may know nothing of
// spares, so -standby does not apply; a server of gocluster itself started
// beside it shows when its spares would have been there.
func TestStandbyNotWithExec(t *testing.T) {
	_, own := serveBin(t, nil, "-workers", "1", "-standby", "1")
	p, base := serveBin(t, nil, "-workers", "1", "-standby", "1", "-exec", binPath)
	waitPool(t, base, "the -exec worker online", func(p pool) bool { return len(p.Workers) == 1 && p.Workers[0].State == "idle" })
	waitStandbyCount(t, own, 1)
	if n := standbyCount(t, base); n != 0 {
		t.Fatalf("serve -exec has %d standbys", n)
	}
	if kids := children(p.cmd.Process.Pid); len(kids) != 1 {
		t.Fatalf("serve -exec -workers 1 has children %v", kids)
	}
}

// TestStandbyOfAReplacedBinaryIsNotUsed: after the executable was replaced (a
// deploy), a spare started from the old one is dropped, the replacement of a
// killed worker is forked from the new file, and new spares start from it.
func TestStandbyOfAReplacedBinaryIsNotUsed(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "gocluster")
	copyFile(t, binPath, exe)
	p := startCmd(t, commandIn(exe, "serve", "-addr", "127.0.0.1:0", "-workers", "1", "-standby", "1"), "gocluster serve")
	base := "http://" + p.out.waitMatch(t, rePanel)[1]
	waitStandbyCount(t, base, 1)
	old := children(p.cmd.Process.Pid)
	copyFile(t, binPath, exe+".new")
	if err := os.Rename(exe+".new", exe); err != nil {
		t.Fatal(err)
	}
	since := lastSeq(t, base)
	id := getPool(t, base).Workers[0].ID
	if body, code := request(t, "POST", base+"/api/workers/"+strconv.Itoa(id)+"/kill", `{"signal":"SIGKILL"}`); code != 202 {
		t.Fatalf("kill: %d %s", code, body)
	}
	fork := waitEvent(t, base, since, "worker.fork")
	if fork.Standby || slices.Contains(old, fork.PID) {
		t.Fatalf("the replacement %+v is the old binary's spare (children were %v)", fork, old)
	}
	waitStandbyCount(t, base, 1)
	waitGone(t, old, time.Minute) // the killed worker, and the spare dropped as stale
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// commandIn is exe run with args in the tests' clean environment.
func commandIn(exe string, args ...string) *exec.Cmd {
	cmd := exec.Command(exe, args...)
	cmd.Env = cleanEnv()
	return cmd
}

// waitEvent polls the events after since for the first of type typ.
func waitEvent(t *testing.T, base string, since uint64, typ string) benchEvent {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range events(t, base, since) {
			if e.Type == typ {
				return e
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event", typ)
	return benchEvent{}
}

// TestStandbyTakesAKilledWorkersPlace: with default flags, the replacement of a
// worker killed through the API is a spare that was already running, it comes
// online, and the pool starts a new spare.
func TestStandbyTakesAKilledWorkersPlace(t *testing.T) {
	p, base := serveBin(t, nil, "-workers", "1")
	waitStandbyCount(t, base, defaultStandby)
	before := children(p.cmd.Process.Pid)
	since := lastSeq(t, base)
	id := getPool(t, base).Workers[0].ID
	if body, code := request(t, "POST", base+"/api/workers/"+strconv.Itoa(id)+"/kill", `{"signal":"SIGKILL"}`); code != 202 {
		t.Fatalf("kill: %d %s", code, body)
	}
	fork := waitEvent(t, base, since, "worker.fork")
	if !fork.Standby || !slices.Contains(before, fork.PID) {
		t.Fatalf("the replacement %+v is not one of the spares (children were %v)", fork, before)
	}
	online := waitEvent(t, base, since, "worker.online")
	if online.Worker != fork.Worker || online.Seq < fork.Seq {
		t.Fatalf("online %+v after fork %+v", online, fork)
	}
	waitStandbyCount(t, base, defaultStandby)
}
