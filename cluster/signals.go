package cluster

import (
	"fmt"
	"strings"
	"syscall"
)

// signalNames maps the signals people send to workers to their usual names.
var signalNames = map[syscall.Signal]string{
	syscall.SIGHUP: "SIGHUP", syscall.SIGINT: "SIGINT", syscall.SIGQUIT: "SIGQUIT",
	syscall.SIGILL: "SIGILL", syscall.SIGTRAP: "SIGTRAP", syscall.SIGABRT: "SIGABRT",
	syscall.SIGBUS: "SIGBUS", syscall.SIGFPE: "SIGFPE", syscall.SIGKILL: "SIGKILL",
	syscall.SIGUSR1: "SIGUSR1", syscall.SIGSEGV: "SIGSEGV", syscall.SIGUSR2: "SIGUSR2",
	syscall.SIGPIPE: "SIGPIPE", syscall.SIGALRM: "SIGALRM", syscall.SIGTERM: "SIGTERM",
	syscall.SIGSTOP: "SIGSTOP", syscall.SIGCONT: "SIGCONT", syscall.SIGTSTP: "SIGTSTP",
}

func signalName(s syscall.Signal) string {
	if n, ok := signalNames[s]; ok {
		return n
	}
	return fmt.Sprintf("signal %d", int(s))
}

// ParseSignal accepts "SIGKILL", "KILL", "kill" or "9". Only signals that end or
// interrupt a process are accepted: SIGSTOP would freeze a worker the pool then
// waits on forever.
func ParseSignal(s string) (syscall.Signal, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if name == "" {
		return syscall.SIGTERM, nil
	}
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	for sig, n := range signalNames {
		if n == name || fmt.Sprint(int(sig)) == strings.TrimPrefix(name, "SIG") {
			if sig == syscall.SIGSTOP || sig == syscall.SIGTSTP || sig == syscall.SIGCONT {
				break
			}
			return sig, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown or unsupported signal %q (try SIGTERM, SIGKILL, SIGINT, SIGHUP)", ErrInvalid, s)
}
