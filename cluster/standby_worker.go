package cluster

import (
	"fmt"
	"os"
	"strconv"
	"sync"
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

var (
	roleOnce sync.Once
	// standbyMember is a standby's IPC channel, opened (and its reader started)
	// while it waited: join uses it. Written once, before awaitRole returns.
	standbyMember *Member
)

// awaitRole turns a standby into a worker, once: it opens its IPC channel, says
// it is ready, and waits until the primary assigns it an id; then it sets
// GOCLUSTER_WORKER_ID, so that everything after it sees an ordinary worker. The
// channel is opened before the wait so that its cost is not on the fork's path.
// EOF means the primary has no use for it (it shut down, or dropped its spares):
// the reader exits the process, as it does a worker's.
func awaitRole() {
	roleOnce.Do(func() {
		if os.Getenv(EnvWorkerID) != StandbyID {
			return
		}
		m, err := openMember(0)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gocluster standby: %v\n", err)
			os.Exit(70)
		}
		m.assigned = make(chan struct{})
		setTitle(spareTitle)
		if m.out.send(&frame{T: frameStandby, PID: os.Getpid()}) != nil {
			os.Exit(0) // the primary is gone
		}
		go m.readLoop()
		<-m.assigned
		os.Setenv(EnvWorkerID, strconv.Itoa(m.id))
		standbyMember = m
	})
}

// onAssign takes a standby's worker id. One assign, with an id, is all a standby
// gets before it is a worker; anything else is the primary's mistake, reported.
func (m *Member) onAssign(f *frame) {
	select {
	case <-m.assigned:
	default:
		if m.assigned != nil && f.ID > 0 {
			m.id = f.ID
			close(m.assigned)
			return
		}
	}
	fmt.Fprintf(os.Stderr, "gocluster worker %d: unexpected assign frame (id %d)\n", m.id, f.ID)
}
