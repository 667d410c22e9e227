// Package proctest checks, at the end of a test binary, that the tests left no child
// process behind: neither a worker still running nor an exited one nobody waited for
// (a zombie). goleak sees the goroutines a leaked worker strands, but not the worker
// itself once those goroutines are gone, nor a Kill that was never followed by Wait.
//
// It reads /proc, so it is Linux-only, like the parent-death signal the pools use.
package proctest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Timeout is how long ExitCode waits for children to go: workers told to stop may
// still be exiting when the last test returns, and a loaded CI machine is slow.
const Timeout = time.Minute

// Proc is one child process of the test binary.
type Proc struct {
	PID     int
	Comm    string // the kernel's name for it, which a zombie keeps
	State   byte   // 'R', 'S', 'Z' (a zombie: exited, never waited for), ...
	Cmdline string // empty for a zombie
}

func (p Proc) String() string {
	s := fmt.Sprintf("pid %d (%s) state %c", p.PID, p.Comm, p.State)
	if p.State == 'Z' {
		s += " zombie: exited but never waited for"
	}
	if p.Cmdline != "" {
		s += ": " + p.Cmdline
	}
	return s
}

// LeftoverChildren returns every process whose parent is this one, zombies
// included.
func LeftoverChildren() ([]Proc, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	var kids []Proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue // not a process: /proc/self, /proc/meminfo, ...
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if len(b) == 0 && (err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)) {
			// It exited and was reaped between ReadDir and now: no longer
			// anyone's child.
			continue
		}
		if err != nil {
			return nil, err
		}
		p, ppid, err := parseStat(pid, b)
		if err != nil {
			return nil, err
		}
		if ppid == self {
			p.Cmdline = readCmdline(pid)
			kids = append(kids, p)
		}
	}
	return kids, nil
}

// CheckNoChildren polls until this process has no children, or timeout passes; then
// the error lists the ones left.
func CheckNoChildren(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		kids, err := LeftoverChildren()
		if err != nil {
			return fmt.Errorf("proctest: list child processes: %w", err)
		}
		if len(kids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			lines := make([]string, len(kids))
			for i, k := range kids {
				lines[i] = "\t" + k.String()
			}
			return fmt.Errorf("proctest: %d child process(es) still there %v after the tests:\n%s",
				len(kids), timeout, strings.Join(lines, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ExitCode runs the check after m.Run and returns the code the test binary should
// exit with: code, or 1 if children were left (printed to stderr). It checks after
// failed runs too: a test that failed half way is the likeliest to leak a worker.
func ExitCode(code int) int {
	if err := CheckNoChildren(Timeout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return code
}

// Exit is ExitCode followed by os.Exit, in the shape of goleak.Cleanup's function.
func Exit(code int) { os.Exit(ExitCode(code)) }

// parseStat parses a /proc/pid/stat line: "pid (comm) state ppid ...". comm may hold
// spaces and parentheses, so the fields after it are found from its last ')'.
func parseStat(pid int, b []byte) (p Proc, ppid int, err error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return p, 0, fmt.Errorf("/proc/%d/stat: no (comm): %q", pid, b)
	}
	fields := strings.Fields(string(b[end+1:]))
	if len(fields) < 2 || len(fields[0]) != 1 {
		return p, 0, fmt.Errorf("/proc/%d/stat: no state and ppid: %q", pid, b)
	}
	ppid, err = strconv.Atoi(fields[1])
	if err != nil {
		return p, 0, fmt.Errorf("/proc/%d/stat: ppid: %w", pid, err)
	}
	return Proc{PID: pid, Comm: string(b[open+1 : end]), State: fields[0][0]}, ppid, nil
}

// readCmdline returns the process's arguments joined by spaces; empty when it has
// none (a zombie, a kernel thread) or is gone.
func readCmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return strings.TrimSpace(string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
}
