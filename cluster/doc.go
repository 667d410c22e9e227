// Package cluster is Node.js's cluster module done in Go: a primary process forks a
// pool of worker processes (the same executable, re-executed in the worker role),
// talks to each over a private IPC channel, restarts the ones that die, lets them
// share one listening socket, and reports every lifecycle event in order. It also
// owns the job queue that spreads job lists over the pool. It knows nothing of HTTP.
//
// # Roles
//
// A worker is started with GOCLUSTER_WORKER_ID set (like NODE_UNIQUE_ID). main checks
// IsWorker first and runs the worker loop, so code meant for the primary (a start
// banner, flag parsing) never runs in a worker:
//
//	if cluster.IsWorker() {
//		return cluster.RunWorker(ctx, nil) // serve jobs until told to leave
//	}
//	c, err := cluster.Start(cluster.Options{Workers: 4})
//
// With Options.Standby the pool also keeps spare processes of this executable,
// started with GOCLUSTER_WORKER_ID=standby: IsWorker blocks in them until the
// primary assigns an id (an "assign" frame), so a fork skips the exec and the
// initialisation of every package. That is why IsWorker must come first. A
// worker the pool itself SIGKILLs gets its successor from the spares at once,
// held back until its own exit was published (heir.go), so the events keep
// their order: exit, then the successor's fork and online; what the successor
// printed meanwhile is written (and becomes worker.log events) after its fork.
// Its id is taken at the kill, so a fork in another slot before that exit is
// published has a larger id and an earlier fork event: worker ids are unique
// and grow with each assignment, but fork events may come out of id order
// around a SIGKILL.
//
// # Wire protocol (version 2)
//
// So that a worker can be written in any language (see testdata/worker.py and
// docs/protocol.md), the protocol is small and plain:
//
//   - The worker's IPC channel is a Unix stream socket on the file descriptor named
//     by GOCLUSTER_IPC_FD (always 3). stdin, stdout and stderr stay the worker's own;
//     the primary prefixes each stdout line with "[worker N] " and each stderr line
//     with "[worker N stderr] ", and writes a last line that lacks its newline when
//     the worker exited. It also keeps the newest lines of each worker and of the
//     pool (Options.LogLines) for Cluster.Logs, and sends them to subscribers as
//     coalesced worker.log events.
//   - A frame is one JSON object on one line, terminated by "\n". Frames are at most
//     Options.MaxFrame bytes (1 MiB by default), both ways; the primary hands the
//     limit to the worker in GOCLUSTER_MAX_FRAME. Send on either side refuses a
//     larger message with ErrFrameTooLarge and sends nothing. A longer or malformed
//     frame that a worker sends anyway is a worker.error event, and the worker is
//     killed and replaced.
//   - Every frame has "t", its kind. Unknown fields are ignored.
//   - A job's input ("in") and its result ("out") are any JSON value, each at most
//     JobOptions.MaxValueBytes (64 KiB by default), which the worker finds in
//     GOCLUSTER_MAX_JOB_BYTES. A result over it fails its job with "result too
//     large: N bytes, limit M" and the worker is not killed; a worker should check
//     first and send that failure itself.
//
// Version 1 stays valid: a worker that says "v":1 declares no kinds, and its
// result frame without "out" means 0. From a version 2 worker a missing "out"
// means null. The primary refuses any other version.
//
// Worker to primary:
//
//	{"t":"hello","v":2,"id":3,"pid":4121,"kinds":[{"name":"wordcount","doc":"counts words in a string","example":"to be or not"}]}
//	                                               first frame: protocol version, GOCLUSTER_WORKER_ID, pid, the kinds served
//	{"t":"msg","d":<any JSON>}                     a message (Member.Send; Node's process.send)
//	{"t":"result","job":7,"out":<any JSON>,"ms":1.25}  a job's result, in the order jobs were sent; ms optional
//	{"t":"result","job":7,"err":"reason","err_data":<any JSON>}  a job that failed; err_data optional
//	{"t":"listening","addr":"127.0.0.1:8000"}      the worker serves on the shared socket
//	{"t":"listen","req":1,"net":"tcp","addr":":8000"}  share the server on this address with me
//	{"t":"listening","addr":"[::]:8000","net":"tcp","srv":2,"mode":"rr"}  now serving it
//	{"t":"listening","addr":"127.0.0.1:9000","net":"tcp","exclusive":true}  serving a socket of my own
//	{"t":"unlisten","srv":2}                       my listener closed: pass me no more connections
//	{"t":"ready"}                                  I serve: count me ready (see Readiness) even if I listen on nothing shared
//
// A kind's name matches ^[a-z][a-z0-9_.-]{0,63}$, its doc is one line of at most 200
// characters, its example any JSON value (optional); "kinds" itself is optional (a
// worker that only exchanges messages serves none). The pool learns its kinds from
// the first worker's hello (until then, and with version 1 workers, they are
// JobOptions.Registry's); a later worker that declares other kinds gets a
// worker.error event naming the difference and stays. A list of a kind nobody
// serves is refused with ErrUnknownKind.
//
// Primary to worker:
//
//	{"t":"msg","d":<any JSON>}                     a message (Worker.Send)
//	{"t":"job","job":7,"kind":"wordcount","in":<any JSON>}  run a job; answer with a result frame ("in" always present, maybe null)
//	{"t":"disconnect"}                             finish the running job, close the socket, exit 0
//	{"t":"exit","code":1}                          exit now with this code (the "crash" button)
//	{"t":"server","req":1,"srv":2,"net":"tcp","addr":"[::]:8000","mode":"os","fds":1}  the answer to listen (os mode: the socket comes with it)
//	{"t":"server","req":1,"srv":2,"net":"tcp","addr":"[::]:8000","mode":"rr"}  (rr, sticky: connections follow in conn frames)
//	{"t":"server","req":1,"err":"listen tcp :80: permission denied"}  it could not be opened
//	{"t":"conn","srv":2,"fds":1}                   a connection the primary accepted for server 2
//
// Either way:
//
//	{"t":"msg","fds":1,"h":"conn","d":<any JSON>}  a message with a handle: "file", "conn" or "listener"
//
// # Servers and balancing
//
// The primary keeps one server per distinct address (network and address as asked,
// and as bound): every worker that sends listen for it shares it, and a port of 0
// opens one random port that later requests for port 0 share too. Options.Balance
// decides how its connections are spread. In os mode the server frame carries the
// listening socket and the worker accepts on it itself (the kernel picks the
// worker). In rr and sticky mode the primary accepts, and passes each connection in
// a conn frame to one of the workers that listen, in turn (rr) or by client IP
// (sticky); the worker wraps it and serves it as if it had accepted it. A worker
// leaves the rotation when it closes its listener (unlisten), is asked to leave, or
// exits. In os mode the pool's own server (Options.Listen) is also inherited on fd
// 4, for workers that do not send listen.
//
// # Readiness and rolling restarts
//
// A worker is ready when it serves. In a pool with its own server (Options.Listen)
// that is its first listening frame; in any other pool its hello; a ready frame
// says so at any time, and Options.ReadyDelay counts a worker ready that long after
// it came online. Options.StartTimeout makes a worker that is not ready in time a
// failed start (a worker.error event, SIGKILL, the restart policy's backoff).
// Cluster.Restart retires a worker only once its replacement is ready; the retired
// worker is sent disconnect and has Options.DrainTimeout to finish. A worker that
// serves HTTP on a listener from Listen should call its server's Shutdown once
// Serve returns: Serve returns only after every connection the listener handed out
// answered once, so no request is dropped (see LeaveGrace).
//
// # Plain programs (Options.Protocol ProtocolNone)
//
// A program that knows nothing of this protocol can be supervised all the same: it
// gets no IPC socket and no GOCLUSTER_WORKER_ID, is online once started, and is
// asked to stop with SIGTERM. The pool's own server reaches it by systemd socket
// activation: fd 3, LISTEN_FDS=1, LISTEN_FDNAMES=gocluster and LISTEN_PID=its pid
// (set by a re-exec of this executable, see shim.go); Options.PortBase gives it
// PORT instead. GOCLUSTER_INSTANCE numbers its slot from 0. See docs/supervise.md.
//
// # Passing descriptors
//
// A frame with "fds":n carries n descriptors (at most 4) as SCM_RIGHTS ancillary
// data on the sendmsg that writes the frame's first byte. On a stream socket the
// kernel delivers them with the read that returns that byte, never merged with
// another sendmsg's: a reader that reads with recvmsg (Python: socket.recvmsg or
// socket.recv_fds; Node: a libuv pipe with ipc) and queues every descriptor it gets,
// in order, finds a frame's n descriptors at the head of its queue once it has the
// frame's whole line. The receiver owns them and must close them; descriptors left
// over when the channel closes are closed. A frame that announces more descriptors
// than arrived is a protocol error.
//
// A worker answers its jobs in the order received; the primary sends at most
// JobOptions.Prefetch of them before it has results, or by default (0) a number it
// adapts per worker from the results' "ms" against the IPC round trip: 1 for long
// jobs, up to 128 for tiny ones. When the socket reaches
// EOF the primary is gone and the worker must exit. The pool's own server, if it
// has one, is bound to GOCLUSTER_LISTEN_ADDR; in os mode its socket is also on the
// descriptor named by GOCLUSTER_LISTEN_FD (4).
//
// # Events
//
// Every event has a pool-wide seq that grows by one, and a time. Per worker they come
// in the order fork, online, listening, message…, disconnect, exit; error may come
// at any point. Job events: batch.created, job.started, job.done and job.failed for
// lists of at most JobOptions.PerJobEvents jobs (larger lists get no per-job events),
// batch.progress coalesced to at most one per list per ProgressInterval, and
// batch.done. Subscribers have bounded buffers: one that falls behind is dropped,
// never waited for (see Subscription). To watch for long, use Follow: it resumes a
// dropped follower from the event ring and says so with an EventGap when the ring
// moved on.
//
// # Other hosts
//
// A pool may span hosts: AddHost adds n slots whose workers a HostLink starts
// elsewhere (package fleet implements it over NATS; this package knows nothing of
// it). A remote worker is a member like a local one: same ids, slots, restart
// policy, prefetch window, retries and events (with Host set); only its process
// and its IPC bytes live on the other host. RemoveHost gives a host up: its workers
// end as lost (worker.exit reason host_lost) and their jobs are retried elsewhere.
// ScaleHost sizes one host; Scale sizes the primary's own.
//
// # Restarts and stopping
//
// A worker that exits unexpectedly is replaced per the RestartPolicy (first restart
// immediate, then exponential backoff with jitter, and a crash-loop guard that marks
// the slot degraded). A degraded slot rests for RestartPolicy.DegradedCooldown, then
// one worker is tried in it; once that one stayed up StableAfter, a pool.recovered
// event ends the degraded state. Queued jobs wait for the retry. Only with no
// cool-down (negative), when every slot of the pool is degraded, do queued jobs and
// those of lists submitted then fail at once with the slot's reason rather than wait
// for a worker that will not come; a pool scaled to 0 is paused instead, and its
// jobs wait. PoolInfo.Health sums this up for a health check.
//
// No more than MaxWorkers worker processes are ever alive, retiring ones included: a
// slot whose fork would pass that waits for one to exit.
// A worker retired on purpose (Scale down, Worker.Disconnect, Disconnect, Close) is
// not replaced; its exit event has intentional=true, Node's exitedAfterDisconnect.
// Worker.Kill and the job timeout/cancel kills are replaced at once without counting
// as crashes. Workers get SIGKILL when the primary dies (Linux parent-death signal),
// and exit on IPC EOF as a second guard.
package cluster
