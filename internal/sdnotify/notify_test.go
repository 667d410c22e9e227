package sdnotify

import (
	"net"
	"path/filepath"
	"testing"
	"time"
)

// listen opens a real unixgram socket standing in for systemd's.
func listen(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func read(t *testing.T, conn *net.UnixConn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestNotifyReachesTheSocket(t *testing.T) {
	for _, tc := range []struct{ name, env string }{
		{"path", filepath.Join(t.TempDir(), "notify.sock")},
		{"abstract", "@gocluster-test-" + time.Now().Format("150405.000000000")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.env
			if addr[0] == '@' {
				addr = "\x00" + addr[1:]
			}
			sock := listen(t, addr)
			n, err := New(env(map[string]string{"NOTIFY_SOCKET": tc.env}))
			if err != nil || !n.Enabled() {
				t.Fatalf("New: %v, enabled %v", err, n.Enabled())
			}
			for _, msg := range []string{Ready + "\nSTATUS=serving", Watchdog, Stopping} {
				if err := n.Notify(msg); err != nil {
					t.Fatal(err)
				}
				if got := read(t, sock); got != msg {
					t.Errorf("got %q, want %q", got, msg)
				}
			}
		})
	}
}

func TestNotifyOutsideSystemdDoesNothing(t *testing.T) {
	n, err := New(env(nil))
	if err != nil || n.Enabled() || n.Notify(Ready) != nil {
		t.Fatalf("without NOTIFY_SOCKET: %v, enabled %v", err, n.Enabled())
	}
	var none *Notifier
	if none.Notify(Ready) != nil {
		t.Fatal("a nil notifier failed")
	}
}

func TestNotifyErrors(t *testing.T) {
	if _, err := New(env(map[string]string{"NOTIFY_SOCKET": "relative.sock"})); err == nil {
		t.Error("a relative NOTIFY_SOCKET was taken")
	}
	n, _ := New(env(map[string]string{"NOTIFY_SOCKET": filepath.Join(t.TempDir(), "nobody-listens")}))
	if err := n.Notify(Ready); err == nil {
		t.Error("a socket nobody listens on gave no error")
	}
}

func TestWatchdogInterval(t *testing.T) {
	for _, tc := range []struct {
		usec, pid string
		want      time.Duration
	}{
		{"", "", 0},
		{"junk", "", 0},
		{"0", "", 0},
		{"10000000", "", 5 * time.Second},
		{"10000000", "42", 5 * time.Second},
		{"10000000", "43", 0},
	} {
		got := WatchdogInterval(env(map[string]string{"WATCHDOG_USEC": tc.usec, "WATCHDOG_PID": tc.pid}), 42)
		if got != tc.want {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: %v, want %v", tc.usec, tc.pid, got, tc.want)
		}
	}
}
