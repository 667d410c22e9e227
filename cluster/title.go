package cluster

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// maxComm is the longest process name Linux keeps (TASK_COMM_LEN less its NUL).
const maxComm = 15

// commBase is this process's name as exec gave it (the executable's file name,
// cut to 15 bytes), read before any setTitle; "" where /proc is not there.
var commBase = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
})

// setTitle renames this process as ps -o comm, top, htop and pstree show it: the
// executable's name with a role suffix, "gocluster-w3" for worker 3,
// "gocluster-spare" for a standby. The command line (ps aux) stays as the
// primary gave it, the same for every worker; the name is what tells a learner
// watching top which process is which, and a spare from a worker. The
// executable's name is kept (cut to fit) so that a Go worker program of the
// user's keeps its own. Best effort: where /proc/self/comm cannot be written
// nothing changes.
func setTitle(suffix string) {
	base := commBase()
	if base == "" {
		return
	}
	if keep := maxComm - len(suffix); len(base) > keep {
		base = base[:max(keep, 0)]
	}
	os.WriteFile("/proc/self/comm", []byte(base+suffix), 0)
}

// workerTitle is the title suffix of worker id.
func workerTitle(id int) string { return "-w" + strconv.Itoa(id) }

// spareTitle is the title suffix of a standby.
const spareTitle = "-spare"
