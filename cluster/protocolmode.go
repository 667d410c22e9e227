package cluster

import "fmt"

// Protocol is how the primary talks to its workers (Options.Protocol).
type Protocol string

// The protocols a pool can run.
const (
	// ProtocolGocluster: workers speak the wire protocol on fd 3 (the package doc).
	ProtocolGocluster Protocol = "gocluster"
	// ProtocolNone: workers are plain programs with no IPC channel.
	ProtocolNone Protocol = "none"
)

// ParseProtocol reads "gocluster" or "none".
func ParseProtocol(s string) (Protocol, error) {
	switch p := Protocol(s); p {
	case ProtocolGocluster, ProtocolNone:
		return p, nil
	}
	return "", fmt.Errorf("%w: protocol %q: want gocluster or none", ErrInvalid, s)
}
