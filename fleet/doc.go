// Package fleet grows a gocluster pool across hosts over NATS: the primary runs
// (or connects to) a NATS server and adds every agent that joins as a host of its
// pool (cluster.Cluster.AddHost); an agent (gocluster agent -join URL) forks the
// workers the primary asks for on its own host and relays their IPC over NATS.
//
// A remote worker is a member of the primary's pool like a local one: the
// primary's cluster package keeps the queue, attempts, retries, timeouts, cancel,
// the adaptive prefetch window and "exactly one ending per job". Only the bytes of
// the worker's IPC channel travel: the primary's end of each remote worker's
// socketpair is relayed, in chunks of up to 64 KiB (many frames per NATS
// message), to the agent, which writes them to its worker's socket and relays the
// worker's bytes back. See docs/scale-out.md for the picture, subjects and
// failure handling.
//
// Subjects (NAME is the agent's -name, ID a worker id):
//
//	gocluster.agent.NAME.hello     agent → primary: join (request/reply)
//	gocluster.agent.NAME.beat      agent → primary: heartbeat (request/reply)
//	gocluster.agent.NAME.w.ID      agent → primary: bytes from worker ID's IPC
//	gocluster.agent.NAME.o.ID.S    agent → primary: worker ID's output (S: 1 stdout, 2 stderr)
//	gocluster.agent.NAME.exit      agent → primary: a worker exited
//	gocluster.agent.NAME.bye       agent → primary: the agent stops
//	gocluster.host.NAME.spawn      primary → agent: start a worker
//	gocluster.host.NAME.w.ID       primary → agent: bytes to worker ID's IPC
//	gocluster.host.NAME.kill       primary → agent: signal a worker
//
// The embedded server lets agent NAME publish only gocluster.agent.NAME.> and
// subscribe only gocluster.host.NAME.> and its own inbox, _INBOX.NAME.> (NATS
// user permissions, set per connection by an authenticator that checks the token).
//
// Nothing here runs at package init: every worker process links this package.
package fleet
