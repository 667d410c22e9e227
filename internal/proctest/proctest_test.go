package proctest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain holds this package to its own check.
func TestMain(m *testing.M) { Exit(m.Run()) }

// child returns this process's child pid, or false.
func child(t *testing.T, pid int) (Proc, bool) {
	t.Helper()
	kids, err := LeftoverChildren()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kids {
		if k.PID == pid {
			return k, true
		}
	}
	return Proc{}, false
}

// waitFor polls cond with a generous deadline: the kernel updates /proc on its own
// schedule after a signal.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSeesChildThenZombieThenNothing(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reaped := false
	defer func() {
		if !reaped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	pid := cmd.Process.Pid

	k, ok := child(t, pid)
	if !ok {
		t.Fatalf("child %d not listed", pid)
	}
	if k.Comm != "sleep" || k.Cmdline != "sleep 60" || k.State == 'Z' {
		t.Errorf("child = %+v, want a live sleep 60", k)
	}
	err := CheckNoChildren(0)
	if err == nil || !strings.Contains(err.Error(), "sleep 60") {
		t.Errorf("CheckNoChildren with a live child = %v, want it listed", err)
	}

	// Killed but not waited for, it stays a child: a zombie is a leak too.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the killed child to become a zombie", func() bool {
		k, ok := child(t, pid)
		return ok && k.State == 'Z'
	})
	if err := CheckNoChildren(0); err == nil || !strings.Contains(err.Error(), "zombie") {
		t.Errorf("CheckNoChildren with a zombie = %v, want it reported", err)
	}

	cmd.Wait()
	reaped = true
	if _, ok := child(t, pid); ok {
		t.Errorf("child %d still listed after Wait", pid)
	}
	if err := CheckNoChildren(Timeout); err != nil {
		t.Error(err)
	}
}

func TestParseStat(t *testing.T) {
	// comm may hold spaces and parentheses; only the last ')' ends it.
	p, ppid, err := parseStat(42, []byte("42 (a) b (c) S 7 42 42 0 -1\n"))
	if err != nil || ppid != 7 || p.Comm != "a) b (c" || p.State != 'S' || p.PID != 42 {
		t.Errorf("parseStat = %+v, %d, %v", p, ppid, err)
	}
	for _, bad := range []string{"42 a S 7", "42 (a) S", "42 (a) S x", "42 (a) SS 7"} {
		if _, _, err := parseStat(42, []byte(bad)); err == nil {
			t.Errorf("parseStat(%q) accepted", bad)
		}
	}
}

func TestSelfIsNotItsOwnChild(t *testing.T) {
	if _, ok := child(t, os.Getpid()); ok {
		t.Error("the test process lists itself")
	}
}

// TestFindLeaksWaitsForGoroutinesToEnd: a goroutine that ends within the
// timeout is no leak; one that never ends is reported after it.
func TestFindLeaksWaitsForGoroutinesToEnd(t *testing.T) {
	before := goleak.IgnoreCurrent()
	stuck := make(chan struct{})
	go func() { <-stuck }()
	if err := FindLeaks(200*time.Millisecond, before); err == nil || !strings.Contains(err.Error(), "TestFindLeaksWaitsForGoroutinesToEnd") {
		t.Fatalf("a blocked goroutine: %v; want it reported", err)
	}
	slow := make(chan struct{})
	go func() { <-slow }()
	close(stuck)
	time.AfterFunc(time.Second, func() { close(slow) }) // ends well after goleak's own ~0.5 s of retries
	if err := FindLeaks(time.Minute, before); err != nil {
		t.Fatalf("goroutines that end: %v", err)
	}
}
