package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// StandbyID is the GOCLUSTER_WORKER_ID of a standby: a process the primary started
// ahead of need (Options.Standby). Its runtime and package initialisation are done
// before the pool needs a worker, which is where nearly all of a fork's time goes;
// the first call of IsWorker (or anything that asks the role) waits for the
// primary to make it a worker with a real id. It is a value of the worker-id
// variable rather than a variable of its own so that a binary that does not know
// standbys takes itself for a worker (and says hello at once, which the primary
// refuses), never for a primary.
const StandbyID = "standby"

// frameStandby and frameAssign are the two frames of a standby's life: it says
// it is initialised and waiting; the primary gives it a worker id.
const (
	frameStandby = "standby"
	frameAssign  = "assign"
)

var roleOnce sync.Once

// awaitRole turns a standby into a worker, once: it says it is ready, then waits
// until the primary assigns it an id, and sets GOCLUSTER_WORKER_ID so that
// everything after it sees an ordinary worker. EOF means the primary has no use
// for it (it is shutting down, or dropped its standbys): it exits at once.
func awaitRole() {
	roleOnce.Do(func() {
		if os.Getenv(EnvWorkerID) != StandbyID {
			return
		}
		id, err := waitAssign(ipcFDFromEnv())
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocluster standby: %v\n", err)
			os.Exit(70)
		}
		if id == 0 {
			os.Exit(0)
		}
		os.Setenv(EnvWorkerID, strconv.Itoa(id))
	})
}

// ipcFDFromEnv is the IPC descriptor the primary named, 3 by default.
func ipcFDFromEnv() int {
	if n, err := strconv.Atoi(os.Getenv(EnvIPCFD)); err == nil && n > 2 {
		return n
	}
	return ipcFD
}

// waitAssign says "standby" on fd and reads the assign frame; id 0 means EOF.
// It reads with plain syscalls, and exactly one line: the frames after it are
// the worker's, read later by Join.
func waitAssign(fd int) (int, error) {
	hello, _ := json.Marshal(frame{T: frameStandby, PID: os.Getpid()})
	if _, err := syscall.Write(fd, append(hello, '\n')); err != nil {
		return 0, nil // the primary is gone
	}
	line, err := readLine(fd)
	if err != nil || line == nil {
		return 0, err
	}
	var f frame
	if err := json.Unmarshal(line, &f); err != nil || f.T != frameAssign || f.ID <= 0 {
		return 0, fmt.Errorf("%w: want an assign frame with an id, got %.100q", ErrBadFrame, line)
	}
	return f.ID, nil
}

// maxAssignLine bounds the assign frame, which is a few dozen bytes.
const maxAssignLine = 4 << 10

// readLine reads one line from fd without consuming anything after it: it peeks
// until the line is whole, then reads exactly that much. nil means EOF.
func readLine(fd int) ([]byte, error) {
	buf := make([]byte, maxAssignLine)
	for {
		n, _, err := syscall.Recvfrom(fd, buf, syscall.MSG_PEEK)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return nil, nil // reset: the primary is gone
		case n == 0:
			return nil, nil
		}
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return consume(fd, buf[:i+1])
		}
		if n == len(buf) {
			return nil, fmt.Errorf("%w: a line over %d bytes", ErrBadFrame, maxAssignLine)
		}
		// Half a line: the rest follows at once (one write of a few bytes), so a
		// short pause, not a busy loop, until it does.
		time.Sleep(100 * time.Microsecond)
	}
}

// consume reads exactly len(b) bytes, which are known to be waiting.
func consume(fd int, b []byte) ([]byte, error) {
	for got := 0; got < len(b); {
		n, err := syscall.Read(fd, b[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return nil, nil
		}
		got += n
	}
	return b[:len(b)-1], nil
}
