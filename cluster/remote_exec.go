package cluster

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// StartWorkerProcess starts a worker for a primary on another host (an agent's
// side of HostLink): exe with args and env added to the agent's environment, its
// IPC channel on fd 3 (a socketpair; conn is the other end, to be relayed to the
// primary), its output to stdout and stderr. Like the pool's own workers it runs
// in its own process group and gets SIGKILL when the agent dies.
func StartWorkerProcess(exe string, args, env []string, stdout, stderr io.Writer) (*exec.Cmd, net.Conn, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	ours, theirs, err := connPair(fds)
	if err != nil {
		return nil, nil, err
	}
	child, err := theirs.(*net.UnixConn).File()
	theirs.Close()
	if err != nil {
		ours.Close()
		return nil, nil, fmt.Errorf("ipc file: %w", err)
	}
	defer child.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(cmd.Environ(), env...), EnvIPCFD+"="+strconv.Itoa(ipcFD))
	cmd.ExtraFiles = []*os.File{child}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		ours.Close()
		return nil, nil, fmt.Errorf("start worker: %w", err)
	}
	return cmd, ours, nil
}

// ExitOf reads how a worker process that Wait returned for ended: its exit code,
// or the name of the signal that killed it (code -1).
func ExitOf(cmd *exec.Cmd) (code int, signal string) {
	ps := cmd.ProcessState
	if ps == nil {
		return -1, ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, signalName(ws.Signal())
	}
	return ps.ExitCode(), ""
}
