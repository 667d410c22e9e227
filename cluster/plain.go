package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Socket activation's variables (sd_listen_fds(3)) and the instance variables a
// plain worker gets.
const (
	envListenFDs     = "LISTEN_FDS"
	envListenPID     = "LISTEN_PID"
	envListenFDNames = "LISTEN_FDNAMES"
	// EnvPort is the per-instance port (Options.PortBase).
	EnvPort = "PORT"
	// EnvInstance is the worker's instance, 0 for the first slot (PM2's
	// NODE_APP_INSTANCE): set for plain workers, which get no GOCLUSTER_WORKER_ID.
	EnvInstance = "GOCLUSTER_INSTANCE"
	// ListenFDName is the name LISTEN_FDNAMES gives the pool's socket.
	ListenFDName = "gocluster"
)

// spawnPlain starts a plain program (ProtocolNone): no IPC socket, online at once.
// With the pool's own server it is started through the shim (shim.go) with the
// socket on fd 3, so that LISTEN_PID can be its pid.
func (c *Cluster) spawnPlain(id int, s *slot) (*proc, error) {
	cmd, err := c.plainCommand(id, s)
	if err != nil {
		return nil, fmt.Errorf("start worker %d: %w", id, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker %d: %w", id, err)
	}
	p := &proc{id: id, slot: s.n, pid: cmd.Process.Pid, cmd: cmd, plain: true, state: StateIdle,
		startedAt: c.clock.Now(), online: make(chan struct{}), exited: make(chan struct{}),
		readDone: make(chan struct{}), readyCh: make(chan struct{})}
	if c.opts.PortBase > 0 {
		p.port = c.opts.PortBase + s.instance
	}
	close(p.online)
	close(p.readDone) // no channel to read
	c.unreaped[p] = struct{}{}
	go c.waitLoop(p)
	return p, nil
}

func (c *Cluster) plainCommand(id int, s *slot) (*exec.Cmd, error) {
	env := append(os.Environ(), EnvInstance+"="+strconv.Itoa(s.instance))
	if c.opts.PortBase > 0 {
		env = append(env, EnvPort+"="+strconv.Itoa(c.opts.PortBase+s.instance))
	}
	cmd := exec.Command(c.exe, c.args...)
	if c.listen != nil {
		path, err := c.programPath()
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(c.self)
		cmd.Args = append([]string{c.exe}, c.args...) // the program's own argv[0]
		cmd.ExtraFiles = []*os.File{c.listen.file}    // fd 3, SD_LISTEN_FDS_START
		env = append(env, envShimExec+"="+path, envListenFDs+"=1", envListenFDNames+"="+ListenFDName,
			EnvListenAddr+"="+c.listen.addr)
	}
	// A LISTEN_* or shim variable inherited from a primary that was itself
	// socket-activated must not reach the program: the pool's own settings follow.
	cmd.Env = append(append(withoutActivation(env), c.opts.Env...), s.env...)
	cmd.Dir = c.opts.Dir
	cmd.Stdout, cmd.Stderr = c.outputs(id) // prefixed to Output and kept for Cluster.Logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true,
		Credential: c.opts.Credential}
	cmd.WaitDelay = time.Second
	return cmd, nil
}

// withoutActivation drops inherited socket-activation variables, keeping those
// appended after the inherited environment (the last of each name wins for exec,
// but a program may read the first).
func withoutActivation(env []string) []string {
	n := len(os.Environ())
	out := make([]string, 0, len(env))
	for i, kv := range env {
		if i < n && (strings.HasPrefix(kv, "LISTEN_") || strings.HasPrefix(kv, envShimExec+"=")) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// programPath is the program the shim execs: as given when it names a path
// (relative ones are found from Options.Dir, the shim's directory), else looked
// up in PATH as exec.Command would.
func (c *Cluster) programPath() (string, error) {
	if strings.Contains(c.exe, "/") {
		return c.exe, nil
	}
	return exec.LookPath(c.exe)
}

// instanceFor is the lowest instance number no other slot holds: a slot keeps it
// for life, so its workers keep their PORT across restarts.
func (c *Cluster) instanceFor() int {
	used := map[int]bool{}
	for _, s := range c.slots {
		used[s.instance] = true
	}
	i := 0
	for used[i] {
		i++
	}
	return i
}
