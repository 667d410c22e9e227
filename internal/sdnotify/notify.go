package sdnotify

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Messages of sd_notify(3) that gocluster sends.
const (
	Ready    = "READY=1"
	Stopping = "STOPPING=1"
	Watchdog = "WATCHDOG=1"
)

// Notifier sends messages to systemd's notify socket. The zero value (and a nil
// *Notifier) is one for a process not run by systemd: it sends nothing.
type Notifier struct {
	addr *net.UnixAddr
}

// New reads $NOTIFY_SOCKET through getenv. A value that is not a socket path (or
// "@abstract") is an error, so a misconfigured unit is noticed at start.
func New(getenv func(string) string) (*Notifier, error) {
	name := getenv("NOTIFY_SOCKET")
	switch {
	case name == "":
		return &Notifier{}, nil
	case name[0] == '@':
		name = "\x00" + name[1:] // Linux's abstract namespace
	case name[0] != '/':
		return nil, fmt.Errorf("NOTIFY_SOCKET=%q: want an absolute socket path or @name", name)
	}
	return &Notifier{addr: &net.UnixAddr{Name: name, Net: "unixgram"}}, nil
}

// Enabled says a notify socket is set.
func (n *Notifier) Enabled() bool { return n != nil && n.addr != nil }

// Notify sends one message, e.g. Ready or "STATUS=serving"; several lines may be
// joined with "\n". It does nothing outside systemd.
func (n *Notifier) Notify(msg string) error {
	if !n.Enabled() {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("sd_notify %s: %w", strings.SplitN(msg, "\n", 2)[0], err)
	}
	return nil
}

// WatchdogInterval is how often WATCHDOG=1 is due: half of $WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises, or 0 when systemd expects none (no
// WatchdogSec=, or $WATCHDOG_PID names another process).
func WatchdogInterval(getenv func(string) string, pid int) time.Duration {
	usec, err := strconv.ParseUint(getenv("WATCHDOG_USEC"), 10, 63)
	if err != nil || usec == 0 {
		return 0
	}
	if p := getenv("WATCHDOG_PID"); p != "" && p != strconv.Itoa(pid) {
		return 0
	}
	return time.Duration(usec) * time.Microsecond / 2
}
