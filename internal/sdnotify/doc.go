// Package sdnotify tells systemd how a Type=notify service is doing: READY=1 once
// it serves, STOPPING=1 when it shuts down, WATCHDOG=1 while it is alive (for
// WatchdogSec=), and STATUS= lines for `systemctl status`. It speaks the
// sd_notify(3) protocol itself: one datagram per message to the unix socket named
// by $NOTIFY_SOCKET (a path, or "@name" for an abstract socket). Outside systemd
// $NOTIFY_SOCKET is unset and every call does nothing.
package sdnotify
