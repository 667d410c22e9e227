package cluster

import (
	"fmt"
	"slices"
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

// endingSignals are the signals a worker can be sent: each ends a process that does
// not handle it, a Go worker included. The others a Go worker ignores (SIGUSR1,
// SIGUSR2, SIGPIPE, SIGALRM) or they freeze it (SIGSTOP, SIGTSTP): the worker would
// live on after a "kill", and the pool, which replaces killed workers, would wait
// for an exit that never comes.
var endingSignals = []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL, syscall.SIGINT,
	syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGABRT}

// EndingSignalNames lists the signals ParseSignal and Worker.Kill accept, for
// messages and docs: "SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGQUIT, SIGABRT".
func EndingSignalNames() string {
	names := make([]string, len(endingSignals))
	for i, sig := range endingSignals {
		names[i] = signalName(sig)
	}
	return strings.Join(names, ", ")
}

// endingSignal reports whether sig is one of endingSignals.
func endingSignal(sig syscall.Signal) bool {
	return slices.Contains(endingSignals, sig)
}

// ParseSignal accepts "SIGKILL", "KILL", "kill" or "9", of the signals that end a
// worker (endingSignals); "" is SIGTERM.
func ParseSignal(s string) (syscall.Signal, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if name == "" {
		return syscall.SIGTERM, nil
	}
	name = strings.TrimPrefix(name, "SIG")
	for _, sig := range endingSignals {
		if "SIG"+name == signalName(sig) || name == fmt.Sprint(int(sig)) {
			return sig, nil
		}
	}
	return 0, fmt.Errorf("%w: signal %q does not end a worker, or is unknown: send one of %s "+
		"(by name or number)", ErrInvalid, s, EndingSignalNames())
}

// SignalName is a signal's usual name ("SIGKILL"), as worker.exit events write it.
func SignalName(s syscall.Signal) string { return signalName(s) }
