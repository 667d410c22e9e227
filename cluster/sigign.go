package cluster

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// ignoresSignal reports whether process pid ignores sig (SIG_IGN), from the SigIgn
// mask of /proc/PID/status. A worker inherits ignored signals across exec: a primary
// started under nohup has SIGHUP ignored, and so has every worker it forks, so a
// SIGHUP that Kill would claim ends the worker would do nothing. Unknown (no /proc,
// a pid already gone) is false: the signal is then sent as asked.
func ignoresSignal(pid int, sig syscall.Signal) bool {
	if pid <= 0 || sig <= 0 || sig > 64 {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	for line := range bytes.Lines(b) {
		hex, ok := bytes.CutPrefix(line, []byte("SigIgn:"))
		if !ok {
			continue
		}
		mask, err := strconv.ParseUint(string(bytes.TrimSpace(hex)), 16, 64)
		return err == nil && mask&(1<<(uint(sig)-1)) != 0
	}
	return false
}
