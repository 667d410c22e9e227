package cluster

import (
	"os"
	"strconv"
)

// Environment variables that carry a worker's role from the primary to the worker,
// like Node's NODE_UNIQUE_ID. A worker written in another language reads the same ones.
const (
	// EnvWorkerID holds the worker's id; its presence makes a process a worker.
	EnvWorkerID = "GOCLUSTER_WORKER_ID"
	// EnvIPCFD holds the file descriptor number of the worker's IPC socket (3).
	EnvIPCFD = "GOCLUSTER_IPC_FD"
	// EnvMaxFrame holds the largest frame, in bytes, either side of the IPC channel
	// accepts (Options.MaxFrame). A worker reads frames up to this size and must not
	// send larger ones: the primary kills a worker that does. Unset: 1 MiB.
	EnvMaxFrame = "GOCLUSTER_MAX_FRAME"
	// EnvMaxJobBytes holds the largest job input and result, in bytes
	// (JobOptions.MaxValueBytes). A worker fails a job whose result is bigger
	// rather than send it.
	EnvMaxJobBytes = "GOCLUSTER_MAX_JOB_BYTES"
	// EnvListenFD holds the descriptor of the shared listening socket, when there is one.
	EnvListenFD = "GOCLUSTER_LISTEN_FD"
	// EnvListenAddr holds the address the shared listening socket is bound to.
	EnvListenAddr = "GOCLUSTER_LISTEN_ADDR"
)

// Descriptor numbers inside a worker: 0-2 stay the worker's own stdio.
const (
	ipcFD    = 3
	listenFD = 4
)

// maxJobBytesFromEnv is the result limit the primary handed this worker.
func maxJobBytesFromEnv() int {
	n, err := strconv.Atoi(os.Getenv(EnvMaxJobBytes))
	if err != nil || n <= 0 {
		return DefaultMaxValueBytes
	}
	return n
}

// maxFrameFromEnv is the frame limit the primary handed this worker.
func maxFrameFromEnv() int {
	n, err := strconv.Atoi(os.Getenv(EnvMaxFrame))
	if err != nil || n <= 0 {
		return DefaultMaxFrame
	}
	return n
}

// IsWorker reports whether this process was forked by a gocluster primary.
// In a standby (Options.Standby) it first waits until the primary makes it one.
func IsWorker() bool {
	awaitRole()
	return os.Getenv(EnvWorkerID) != ""
}

// IsPrimary reports whether this process is not a worker. Like Node's
// cluster.isPrimary, it is true for any process started by hand.
func IsPrimary() bool { return !IsWorker() }

// WorkerID returns this worker's id, or 0 in the primary.
func WorkerID() int {
	awaitRole()
	id, err := strconv.Atoi(os.Getenv(EnvWorkerID))
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// ipcFDFromEnv is the IPC descriptor the primary named, 3 by default.
func ipcFDFromEnv() int {
	if n, err := strconv.Atoi(os.Getenv(EnvIPCFD)); err == nil && n > 2 {
		return n
	}
	return ipcFD
}
