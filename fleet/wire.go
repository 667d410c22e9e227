package fleet

import (
	"strconv"
	"strings"
	"time"
)

const (
	subjectRoot = "gocluster"
	// chunk bounds one relayed message: well under NATS's default 1 MiB payload.
	chunk = 64 << 10
	// DefaultHeartbeatTimeout is how long the primary waits for an agent's beat
	// before it gives the agent's workers up; agents beat every third of it.
	DefaultHeartbeatTimeout = 3 * time.Second
)

// ReasonAgentLeft is a host's HostInfo.Reason (and host.lost error) when its
// agent stopped and said so.
const ReasonAgentLeft = "the agent stopped"

// agentSubject is a subject agent name publishes on: gocluster.agent.NAME.rest.
func agentSubject(name, rest string) string {
	return subjectRoot + ".agent." + name + "." + rest
}

// hostSubject is a subject the primary publishes on for agent name.
func hostSubject(name, rest string) string {
	return subjectRoot + ".host." + name + "." + rest
}

// inboxPrefix scopes an agent's reply subjects (nats.CustomInboxPrefix).
func inboxPrefix(name string) string { return "_INBOX." + name }

// hello is an agent's join request.
type hello struct {
	Name    string `json:"name"`
	Session string `json:"session"`
	Workers int    `json:"workers"`
	PID     int    `json:"pid"`
}

// beat is an agent's heartbeat.
type beat struct {
	Session string `json:"session"`
}

// reply answers hello and beat: Error empty means yes.
type reply struct {
	Error string `json:"error,omitempty"`
	// Gone: the primary does not know this session (it gave the agent up, or it
	// restarted): the agent drops its workers and joins again.
	Gone bool `json:"gone,omitempty"`
	// Final: the refusal can never turn into a yes (a -workers above the
	// primary's -max-workers, the primary's own name): the agent stops.
	Final bool `json:"final,omitempty"`
}

// clip shortens an outside string for a message: a 5,000-character name is not
// echoed whole.
func clip(s string) string {
	const most = 64
	if len(s) <= most {
		return s
	}
	return s[:most] + "…"
}

// spawn asks an agent to start a worker.
type spawn struct {
	ID  int      `json:"id"`
	Env []string `json:"env"`
}

// kill asks an agent to signal a worker.
type kill struct {
	ID     int `json:"id"`
	Signal int `json:"signal"`
}

// exited tells the primary a worker ended.
type exited struct {
	ID     int    `json:"id"`
	Code   int    `json:"code"`
	Signal string `json:"signal,omitempty"`
}

// splitAgentSubject parses gocluster.agent.NAME.REST into name and rest.
func splitAgentSubject(subj string) (name, rest string, ok bool) {
	s, ok := strings.CutPrefix(subj, subjectRoot+".agent.")
	if !ok {
		return "", "", false
	}
	name, rest, ok = strings.Cut(s, ".")
	return name, rest, ok
}

// workerOf parses "ID" or "ID.S" after a subject's "w." or "o.".
func workerOf(s string) (id int, stream string, ok bool) {
	idS, stream, _ := strings.Cut(s, ".")
	id, err := strconv.Atoi(idS)
	return id, stream, err == nil && id > 0
}
