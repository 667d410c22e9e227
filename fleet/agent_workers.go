package fleet

import (
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/nats-io/nats.go"
)

// agentWorker is a worker the agent runs for the primary.
type agentWorker struct {
	id       int
	session  string // the session it belongs to
	cmd      *exec.Cmd
	conn     net.Conn
	in       chan []byte // bytes from the primary, in order
	gone     chan struct{}
	readDone chan struct{}
}

// onMsg handles the primary's messages for this agent, in their order.
func (a *agent) onMsg(m *nats.Msg) {
	rest := strings.TrimPrefix(m.Subject, hostSubject(a.cfg.Name, ""))
	switch {
	case rest == "spawn":
		var s spawn
		if json.Unmarshal(m.Data, &s) == nil && s.ID > 0 {
			a.spawn(s)
		}
	case rest == "kill":
		var k kill
		if json.Unmarshal(m.Data, &k) == nil {
			a.kill(k)
		}
	case strings.HasPrefix(rest, "w."):
		if id, _, ok := workerOf(rest[2:]); ok {
			a.toWorker(id, m.Data)
		}
	}
}

// spawn forks a worker for the current session; a worker that cannot start is
// reported as exited with code 127, as a shell would.
func (a *agent) spawn(s spawn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if old := a.workers[s.ID]; a.session == "" || (old != nil && old.session == a.session) {
		return
	}
	w := &agentWorker{id: s.ID, session: a.session, in: make(chan []byte, 1024), gone: make(chan struct{}),
		readDone: make(chan struct{})}
	env := append(append([]string(nil), a.cfg.Env...), s.Env...)
	cmd, conn, err := cluster.StartWorkerProcess(a.cfg.Exe, a.cfg.Args, env,
		a.outWriter(w, "1"), a.outWriter(w, "2"))
	if err != nil {
		a.log.Warn("agent: start worker", "worker", s.ID, "err", err)
		a.publishJSON(agentSubject(a.cfg.Name, "exit"), exited{ID: s.ID, Code: 127})
		return
	}
	w.cmd, w.conn = cmd, conn
	a.workers[s.ID] = w
	a.wg.Add(3)
	go a.relayOut(w)
	go a.relayIn(w)
	go a.waitWorker(w)
}

// relayOut publishes what the worker writes to its IPC, up to chunk bytes a
// message: results written together travel together. It relays to the end, even
// after the session is over: the primary, not the agent, tells late results from
// current ones (it drops and counts them), and an agent joins again only once its
// old workers are gone (loop), so nothing late can reach a new session's worker.
func (a *agent) relayOut(w *agentWorker) {
	defer a.wg.Done()
	defer close(w.readDone)
	subj := agentSubject(a.cfg.Name, "w."+itoa(w.id))
	buf := make([]byte, chunk)
	for {
		n, err := w.conn.Read(buf)
		if n > 0 {
			a.nc.Publish(subj, append([]byte(nil), buf[:n]...))
		}
		if err != nil {
			return
		}
	}
}

// relayIn writes the primary's bytes to the worker, in order.
func (a *agent) relayIn(w *agentWorker) {
	defer a.wg.Done()
	for {
		select {
		case b := <-w.in:
			if _, err := w.conn.Write(b); err != nil {
				return
			}
		case <-w.gone:
			return
		}
	}
}

// waitWorker reaps the worker and reports its end after its last bytes.
func (a *agent) waitWorker(w *agentWorker) {
	defer a.wg.Done()
	w.cmd.Wait()
	select {
	case <-w.readDone:
	case <-time.After(time.Second): // a grandchild holds the socket open
		w.conn.Close()
		<-w.readDone
	}
	w.conn.Close()
	close(w.gone)
	code, sig := cluster.ExitOf(w.cmd)
	a.publishJSON(agentSubject(a.cfg.Name, "exit"), exited{ID: w.id, Code: code, Signal: sig})
	a.mu.Lock()
	if a.workers[w.id] == w {
		delete(a.workers, w.id)
	}
	a.mu.Unlock()
}

func (a *agent) worker(id int) *agentWorker {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.workers[id]
}

func (a *agent) toWorker(id int, b []byte) {
	w := a.worker(id)
	if w == nil {
		return
	}
	select {
	case w.in <- b:
	case <-w.gone:
	}
}

func (a *agent) kill(k kill) {
	if w := a.worker(k.ID); w != nil && k.Signal > 0 {
		w.cmd.Process.Signal(syscall.Signal(k.Signal))
	}
}

// dropWorkers ends the session and kills its workers: the primary retries (or
// already retried) their jobs, and drops what they still send.
func (a *agent) dropWorkers() {
	a.mu.Lock()
	a.session = ""
	for _, w := range a.workers {
		w.cmd.Process.Signal(syscall.SIGKILL)
	}
	a.mu.Unlock()
}

// outWriter relays a worker's stdout ("1") or stderr ("2") to the primary.
func (a *agent) outWriter(w *agentWorker, stream string) io.Writer {
	subj := agentSubject(a.cfg.Name, "o."+itoa(w.id)+"."+stream)
	return writerFunc(func(b []byte) (int, error) {
		if a.cfg.Output != nil {
			a.cfg.Output.Write(b)
		}
		a.nc.Publish(subj, append([]byte(nil), b...))
		return len(b), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func (a *agent) publishJSON(subj string, v any) {
	data, _ := json.Marshal(v)
	a.nc.Publish(subj, data)
}
