package main

import (
	"fmt"
	"syscall"
)

// Open files the primary keeps for itself: each worker holds a few in the primary
// (its IPC socket, its stdout and stderr pipes, a pidfd) and more while it is being
// forked; the rest is the listener, logs, the runtime and slack.
const (
	fdsPerWorker = 4
	fdsReserved  = 64
	minConns     = 16
	// maxAutoConns bounds the automatic cap when the open-file limit is huge.
	maxAutoConns = 1 << 20
)

// connBudget is the most HTTP connections the server may hold at once so that the
// pool can always open the files it needs to restart every worker: the open-file
// limit (which Go raised to its hard limit at start) less a reserve per worker slot.
// asked (-max-conns) is used when given, if it fits.
func connBudget(asked, maxWorkers int, src sources) (int, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("read the open-file limit: %w", err)
	}
	reserve := fdsReserved + fdsPerWorker*maxWorkers
	budget := min(int(min(lim.Cur, uint64(maxAutoConns)+uint64(reserve)))-reserve, maxAutoConns)
	switch {
	case budget < minConns:
		return 0, usageErrorf("the open-file limit (ulimit -n) is %d: too low for %s %d, which keeps %d files for "+
			"its workers and needs %d more for connections; raise the limit or lower %s",
			lim.Cur, src.name("max-workers"), maxWorkers, reserve, minConns, src.name("max-workers"))
	case asked == 0:
		return budget, nil
	case asked > budget:
		return 0, usageErrorf("%s %d is more than the open-file limit (ulimit -n %d) allows beside %d files kept "+
			"for the workers: at most %d", src.name("max-conns"), asked, lim.Cur, reserve, budget)
	}
	return asked, nil
}
