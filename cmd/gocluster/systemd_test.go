package main

import (
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSystemdNotify runs serve as systemd would run a Type=notify unit with
// WatchdogSec=: a real unixgram socket stands in for systemd's. serve says READY=1
// once its two workers are up, WATCHDOG=1 again and again, and STOPPING=1 at SIGTERM.
func TestSystemdNotify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.sock")
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	p, base := serveBin(t, []string{"NOTIFY_SOCKET=" + path, "WATCHDOG_USEC=200000"}, "-workers", "2")
	next := func(want string) string {
		t.Helper()
		buf := make([]byte, 4096)
		for {
			sock.SetReadDeadline(time.Now().Add(time.Minute))
			n, err := sock.Read(buf)
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			if msg := string(buf[:n]); strings.HasPrefix(msg, want) {
				return msg
			}
		}
	}
	ready := next("READY=1")
	if !strings.Contains(ready, "STATUS=panel on "+base) {
		t.Errorf("READY without the panel's address: %q", ready)
	}
	if n := len(getPool(t, base).Workers); n != 2 {
		t.Errorf("READY with %d workers, want 2", n)
	}
	for range 3 {
		next("WATCHDOG=1")
	}
	p.signal(t, syscall.SIGTERM)
	next("STOPPING=1")
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestBadNotifySocket: a NOTIFY_SOCKET that is no socket path stops serve at once.
func TestBadNotifySocket(t *testing.T) {
	p := startBin(t, []string{"NOTIFY_SOCKET=relative"}, "serve", "-addr", "127.0.0.1:0", "-workers", "0")
	if code := p.wait(t, time.Minute); code == 0 || !strings.Contains(p.out.String(), "NOTIFY_SOCKET") {
		t.Fatalf("exit %d, output %s", code, &p.out)
	}
}
