package cluster

import (
	"fmt"
	"strings"
)

// Balance is how a shared server's connections are spread over the workers that
// listen on it (Node's cluster.schedulingPolicy, plus sticky).
type Balance string

// Balancing modes.
const (
	// BalanceOS lets every worker accept on the one listening socket: the kernel
	// picks who gets each connection (Node's SCHED_NONE). It costs the primary
	// nothing per connection, but the split is often uneven (a worker that just
	// finished a request tends to win the next accept).
	BalanceOS Balance = "os"
	// BalanceRR makes the primary accept every connection and pass it to the next
	// worker in turn over its IPC socket (Node's SCHED_RR, its default on Linux):
	// an even split for a few syscalls per connection in the primary.
	BalanceRR Balance = "rr"
	// BalanceSticky is BalanceRR where every connection from one client IP goes to
	// the same live worker (socket.io's and PM2's "sticky sessions"). A client whose
	// worker left is mapped to the next worker in turn. Up to maxStickyClients IPs
	// are remembered; beyond that a client's worker is its IP's hash modulo the
	// listening workers, stable while they stay the same. It looks at the IP only:
	// no cookie or header, since the primary never reads the connection's bytes.
	BalanceSticky Balance = "sticky"
)

// DefaultBalance is the mode of a pool whose Options.Balance is empty: round-robin,
// as in Node on Linux. The side-by-side benchmark (docs/performance.md) measured it
// within a few percent of os for keep-alive HTTP, and only rr splits connections
// evenly, which is what the lesson's request counter is meant to show.
const DefaultBalance = BalanceRR

// modeExclusive is the mode a listening event reports for a worker's own socket.
const modeExclusive = "exclusive"

// ParseBalance reads a mode name: os, rr or sticky ("" is DefaultBalance).
func ParseBalance(s string) (Balance, error) {
	switch b := Balance(strings.ToLower(strings.TrimSpace(s))); b {
	case "":
		return DefaultBalance, nil
	case BalanceOS, BalanceRR, BalanceSticky:
		return b, nil
	}
	return "", fmt.Errorf("%w: balance %q: want os, rr or sticky", ErrInvalid, s)
}
