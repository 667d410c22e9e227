package fleet

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/nats-io/nats.go"
)

// onMsg handles every message an agent publishes, in the order each agent sent
// them (NATS keeps one publisher's order on one subscription).
func (f *Primary) onMsg(m *nats.Msg) {
	name, rest, ok := splitAgentSubject(m.Subject)
	if !ok || !cluster.ValidHostName(name) {
		return
	}
	switch {
	case rest == "hello":
		f.respond(name, m, f.onHello(name, m.Data))
	case rest == "beat":
		f.respond(name, m, f.onBeat(name, m.Data))
	case rest == "bye":
		f.onBye(name, m.Data)
	case rest == "exit":
		var e exited
		if json.Unmarshal(m.Data, &e) == nil {
			f.toBridge(name, e.ID, bridgeMsg{exit: &cluster.RemoteExit{Code: e.Code, Signal: e.Signal}})
		}
	case strings.HasPrefix(rest, "w."):
		if id, _, ok := workerOf(rest[2:]); ok {
			f.toBridge(name, id, bridgeMsg{b: m.Data})
		}
	case strings.HasPrefix(rest, "o."):
		if id, stream, ok := workerOf(rest[2:]); ok {
			f.output(name, id, stream, m.Data)
		}
	}
}

// respond answers an agent's request, but only on that agent's own inbox: NATS
// permissions scope the subject an agent publishes on, not the reply subject it
// names, and the primary may publish anywhere — so host-a could otherwise make the
// primary write onto host-b's worker streams (a review found it).
func (f *Primary) respond(name string, m *nats.Msg, r reply) {
	if !replyIsAgents(name, m.Reply) {
		return
	}
	data, _ := json.Marshal(r)
	m.Respond(data)
}

// replyIsAgents reports whether reply is a subject under agent name's inbox.
func replyIsAgents(name, reply string) bool {
	rest, ok := strings.CutPrefix(reply, inboxPrefix(name)+".")
	return ok && rest != "" && !strings.ContainsAny(rest, "*> \t\r\n")
}

// onHello adds an agent's host to the pool. A name held by another live agent is
// refused (it may try again once that one is lost).
func (f *Primary) onHello(name string, data []byte) reply {
	var h hello
	if err := json.Unmarshal(data, &h); err != nil || h.Name != name || h.Session == "" {
		return reply{Final: true,
			Error: "bad hello: want {\"name\":NAME,\"session\":S,\"workers\":N} on gocluster.agent.NAME.hello"}
	}
	if name == f.c.HostName() {
		return reply{Final: true, Error: "host name " + name + " is the primary's own: start the agent with another -name"}
	}
	if most := f.c.MaxWorkers(); h.Workers < 0 || h.Workers > most {
		return reply{Final: true, Error: "-workers " + itoa(h.Workers) + " is outside the primary's 0..-max-workers " +
			itoa(most) + ": start the agent with fewer"}
	}
	f.mu.Lock()
	a := f.agents[name]
	switch {
	case a != nil && a.session == h.Session:
		f.mu.Unlock()
		return reply{} // a repeated hello: already in
	case a != nil && a.session != "":
		f.mu.Unlock()
		return reply{Error: "host name " + name + " is in use by another agent"}
	}
	if a == nil {
		a = &agentState{}
		f.agents[name] = a
	}
	a.session, a.lastBeat = h.Session, time.Now()
	f.mu.Unlock()
	if err := f.c.AddHost(name, f, h.Workers); err != nil {
		f.mu.Lock()
		a.session = ""
		f.mu.Unlock()
		return reply{Error: err.Error()}
	}
	f.log.Info("fleet: agent joined", "host", name, "workers", h.Workers, "pid", h.PID)
	return reply{}
}

func (f *Primary) onBeat(name string, data []byte) reply {
	var b beat
	json.Unmarshal(data, &b)
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.agents[name]
	if a == nil || a.session == "" || a.session != b.Session {
		return reply{Gone: true, Error: "this agent's session is over: join again"}
	}
	a.lastBeat = time.Now()
	return reply{}
}

// toBridge hands a message to a remote worker's bridge; a message for a worker
// already given up is late: dropped and counted (a host.late event).
func (f *Primary) toBridge(host string, id int, m bridgeMsg) {
	f.mu.Lock()
	b := f.bridges[bridgeKey{host, id}]
	f.mu.Unlock()
	if b == nil || !b.deliver(m) {
		f.countLate(host)
	}
}

func (f *Primary) output(host string, id int, stream string, data []byte) {
	f.mu.Lock()
	b := f.bridges[bridgeKey{host, id}]
	f.mu.Unlock()
	if b == nil {
		f.countLate(host)
		return
	}
	w := b.w.Stdout
	if stream == "2" {
		w = b.w.Stderr
	}
	if w != nil {
		w.Write(data)
	}
}

func (f *Primary) countLate(host string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.agents[host]; a != nil {
		a.late++
	}
}

// onBye gives up an agent that says it stops (SIGTERM, Ctrl-C).
func (f *Primary) onBye(name string, data []byte) {
	var b beat
	json.Unmarshal(data, &b)
	f.mu.Lock()
	a := f.agents[name]
	ok := a != nil && a.session != "" && a.session == b.Session
	if ok {
		a.session = ""
	}
	f.mu.Unlock()
	if ok {
		f.log.Info("fleet: agent left", "host", name)
		f.c.RemoveHost(name, ReasonAgentLeft)
	}
}
