package cluster

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// Socket activation wants LISTEN_PID to be the pid of the program that takes the
// socket, so that a child it starts does not take it too. That pid is known only
// after fork, and Go runs no code between fork and exec. So a plain worker given
// the pool's socket is started as this executable with GOCLUSTER_SHIM_EXEC naming
// the program: before anything else (this init), the copy sets LISTEN_PID to its
// own pid and execs the program, which keeps the pid, the descriptors and the
// parent-death signal. systemd does the same between its fork and exec; go-systemd's
// activation.Files checks LISTEN_PID against os.Getpid().
const envShimExec = "GOCLUSTER_SHIM_EXEC"

func init() {
	if path := os.Getenv(envShimExec); path != "" {
		execAsActivated(path)
	}
}

// execAsActivated replaces this process with the program at path, os.Args as its
// arguments, LISTEN_PID set to this pid. It returns only by exiting 127.
func execAsActivated(path string) {
	os.Unsetenv(envShimExec)
	os.Setenv(envListenPID, strconv.Itoa(os.Getpid()))
	err := syscall.Exec(path, os.Args, os.Environ())
	fmt.Fprintf(os.Stderr, "gocluster: exec %s: %v\n", path, err)
	os.Exit(127)
}
