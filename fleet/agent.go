package fleet

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/nats-io/nats.go"
)

// ErrRefused is returned by RunAgent when the NATS server refused the agent's
// credentials (a wrong -token, or a name the server does not accept), or the
// primary refused its hello for a reason that cannot change (its -workers above
// the primary's -max-workers, the primary's own name).
var ErrRefused = errors.New("the primary's NATS server refused this agent")

// AgentConfig configures gocluster agent.
type AgentConfig struct {
	URL   string // the primary's NATS server (-join), comma-separated URLs allowed
	Token string // the password the embedded server checks (-token)
	// NkeyFile is this agent's nkey seed (-nkey), for a primary with -cluster-agents.
	NkeyFile string
	Name     string // this host's name in the pool (-name)
	// Workers is how many workers the agent offers the primary.
	Workers int
	// Exe and Args start a worker; Env is added to its environment. Default: this
	// executable with this process's arguments (main checks the worker role first).
	Exe  string
	Args []string
	Env  []string
	// HeartbeatTimeout must match the primary's; the agent beats every third of it
	// and, not answered for that long, drops its workers and joins again.
	HeartbeatTimeout time.Duration
	Logger           *slog.Logger
	// TLS: the CA that signed the server's certificate, and a client certificate
	// for a server that asks for one.
	TLS TLSFiles
	// Output receives the agent's workers' output too, when not nil (besides the
	// primary, which gets it over NATS).
	Output io.Writer
}

// agent is one run of RunAgent. Its mutex guards the session and workers: the
// NATS handler, the heartbeat loop and every worker's goroutines use them.
type agent struct {
	cfg AgentConfig
	log *slog.Logger
	nc  *nats.Conn
	// reset is signalled when the NATS connection broke: what was relayed may
	// have been lost, so the workers go and the agent joins again.
	reset chan struct{}

	// refusedSince is when the server began refusing this agent's credentials on
	// reconnect (unix ns; 0 while it is not): after two heartbeat bounds of that the
	// agent ends, as on its first connect (a revoked key, a changed token).
	refusedSince atomic.Int64
	refusedErr   atomic.Value // string: the server's last refusal

	mu      sync.Mutex
	session string // "" while not joined
	workers map[int]*agentWorker
	wg      sync.WaitGroup // every worker's goroutines
}

// RunAgent joins the primary at cfg.URL and serves its workers until ctx ends. It
// rejoins by itself after a network break or a primary restart; it returns
// ErrRefused (wrapped) if the server still refuses its credentials after two
// heartbeat bounds (a name held by a live agent is refused until the primary gives
// that agent up, so an agent restarted at once waits for its old self).
func RunAgent(ctx context.Context, cfg AgentConfig) error {
	if !cluster.ValidHostName(cfg.Name) {
		return fmt.Errorf("agent name %q: use 1 to 64 letters, digits, '-' or '_'", clip(cfg.Name))
	}
	if err := CheckURLs(cfg.URL); err != nil {
		return fmt.Errorf("join URL %w", err)
	}
	if cfg.HeartbeatTimeout <= 0 {
		cfg.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find own executable: %w", err)
		}
		cfg.Exe, cfg.Args = exe, os.Args[1:]
	}
	a := &agent{cfg: cfg, log: cfg.Logger, reset: make(chan struct{}, 1), workers: map[int]*agentWorker{}}
	if err := a.connect(ctx); err != nil {
		return err
	}
	defer a.nc.Close()
	sub, err := a.nc.Subscribe(hostSubject(cfg.Name, ">"), a.onMsg)
	if err == nil {
		err = sub.SetPendingLimits(-1, 256<<20)
	}
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	err = a.loop(ctx)
	sub.Unsubscribe()
	a.leave()
	a.dropWorkers()
	a.wg.Wait()
	return err
}

// leave tells the primary this agent stops, so it gives the host up at once
// rather than after the heartbeat bound (and does not restart its workers there).
func (a *agent) leave() {
	if s := a.current(); s != "" {
		a.publishJSON(agentSubject(a.cfg.Name, "bye"), beat{Session: s})
		a.nc.FlushTimeout(time.Second)
	}
}

// connect dials until the server answers (the primary may start later); a refusal
// of the credentials ends it at once.
func (a *agent) connect(ctx context.Context) error {
	opts := []nats.Option{nats.Name("gocluster agent " + a.cfg.Name),
		nats.UserInfo(a.cfg.Name, a.cfg.Token), nats.CustomInboxPrefix(inboxPrefix(a.cfg.Name)),
		nats.MaxReconnects(-1), nats.ReconnectWait(500 * time.Millisecond),
		nats.DisconnectErrHandler(func(*nats.Conn, error) { a.signalReset() }),
		nats.ReconnectBufSize(-1), // nothing stale is replayed after a break
		// The server refuses our name while the primary still holds our old session
		// (after a break, until the heartbeat bound): keep trying, don't give up.
		nats.IgnoreAuthErrorAbort(),
		nats.ReconnectErrHandler(a.onReconnectErr),
		nats.ReconnectHandler(func(*nats.Conn) { a.refusedSince.Store(0) }),
	}
	refusedUntil := time.Now().Add(2 * a.cfg.HeartbeatTimeout)
	opts = append(opts, a.cfg.TLS.clientOptions()...)
	if a.cfg.NkeyFile != "" {
		if err := checkSeedFile(a.cfg.NkeyFile); err != nil {
			return fmt.Errorf("-nkey %s: %w", a.cfg.NkeyFile, err)
		}
		o, err := nats.NkeyOptionFromSeed(a.cfg.NkeyFile)
		if err != nil {
			return fmt.Errorf("-nkey %s: %w", a.cfg.NkeyFile, err)
		}
		opts = append(opts, o)
	}
	for {
		nc, err := nats.Connect(a.cfg.URL, opts...)
		if err == nil {
			a.nc = nc
			return nil
		}
		refused := errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired)
		if refused && time.Now().After(refusedUntil) {
			return fmt.Errorf("%w at %s: wrong -token, a -nkey not the one its -cluster-agents gives this -name, a name it does not accept, "+
				"or a name another live agent holds (%v)",
				ErrRefused, RedactURLs(a.cfg.URL), err)
		}
		if errors.Is(err, nats.ErrNkeysNotSupported) {
			return fmt.Errorf("%w: the NATS server at %s takes no nkeys: drop -nkey, or configure its users' nkeys",
				ErrRefused, RedactURLs(a.cfg.URL))
		}
		var certErr *tls.CertificateVerificationError
		if errors.As(err, &certErr) {
			return fmt.Errorf("the primary's NATS server at %s has a certificate this agent cannot verify "+
				"(give -nats-tls-ca the CA that signed it): %w", RedactURLs(a.cfg.URL), err)
		}
		a.log.Warn("agent: cannot reach the primary's NATS server; retrying", "url", RedactURLs(a.cfg.URL), "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// onReconnectErr notes a refusal of the credentials while reconnecting (NATS keeps
// trying by itself) and logs the first of a streak with the server's reason.
func (a *agent) onReconnectErr(_ *nats.Conn, err error) {
	if !errors.Is(err, nats.ErrAuthorization) && !errors.Is(err, nats.ErrAuthExpired) {
		return
	}
	a.refusedErr.Store(err.Error())
	if a.refusedSince.CompareAndSwap(0, time.Now().UnixNano()) {
		a.log.Warn("agent: the primary's NATS server refuses this agent on reconnect; retrying", "err", err)
	}
}

// refusedTooLong is the error that ends the agent once reconnects were refused for
// two heartbeat bounds (a name still held by our old session clears within one).
func (a *agent) refusedTooLong() error {
	since := a.refusedSince.Load()
	if since == 0 || time.Since(time.Unix(0, since)) <= 2*a.cfg.HeartbeatTimeout {
		return nil
	}
	why, _ := a.refusedErr.Load().(string)
	return fmt.Errorf("%w at %s on reconnect: wrong -token, a -nkey not the one its -cluster-agents gives this -name, "+
		"or a name it does not accept (%s)", ErrRefused, RedactURLs(a.cfg.URL), why)
}

func (a *agent) signalReset() {
	select {
	case a.reset <- struct{}{}:
	default:
	}
}

// loop joins and beats every third of the heartbeat timeout until ctx ends, or
// until the primary refuses this agent for good (ErrRefused).
func (a *agent) loop(ctx context.Context) error {
	t := time.NewTicker(a.cfg.HeartbeatTimeout / 3)
	defer t.Stop()
	lastOK := time.Now()
	lastErr := ""
	for {
		if err := a.refusedTooLong(); err != nil {
			return err
		}
		if a.current() == "" {
			a.wg.Wait() // the old session's workers are gone, and all they sent was sent
			if err := a.join(); errors.Is(err, ErrRefused) {
				return err
			} else if err != nil {
				if err.Error() != lastErr {
					a.log.Warn("agent: join refused; retrying", "err", err)
				}
				lastErr = err.Error()
			} else {
				lastErr, lastOK = "", time.Now()
				a.log.Info("agent: joined the primary", "url", a.nc.ConnectedUrlRedacted(), "name", a.cfg.Name,
					"workers", a.cfg.Workers)
			}
		} else if a.beat() {
			lastOK = time.Now()
		} else if time.Since(lastOK) > a.cfg.HeartbeatTimeout {
			a.log.Warn("agent: the primary stopped answering; dropping workers and joining again")
			a.dropWorkers()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-a.reset:
			a.log.Warn("agent: NATS connection broke; dropping workers and joining again")
			a.dropWorkers()
		case <-t.C:
		}
	}
}

func (a *agent) current() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.session
}

// join says hello with a new session.
func (a *agent) join() error {
	if !a.nc.IsConnected() {
		return errors.New("not connected")
	}
	s := randomHex(8)
	a.mu.Lock()
	a.session = s // spawns may arrive before the reply
	a.mu.Unlock()
	var r reply
	err := a.request("hello", hello{Name: a.cfg.Name, Session: s, Workers: a.cfg.Workers, PID: os.Getpid()}, &r)
	switch {
	case err == nil && r.Final:
		err = fmt.Errorf("%w: %s", ErrRefused, r.Error)
	case err == nil && r.Error != "":
		err = errors.New("primary: " + r.Error)
	}
	if err != nil {
		a.abandon(s)
	}
	return err
}

// abandon ends session s after a refused or unanswered hello. A spawn that came
// meanwhile (the primary's, for a session it still holds) started a worker under
// s: it is killed too, or the loop's wait for the old workers would never end.
func (a *agent) abandon(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.session == s {
		a.session = ""
	}
	for _, w := range a.workers {
		if w.session == s {
			w.cmd.Process.Signal(syscall.SIGKILL)
		}
	}
}

// beat reports the agent alive; false when not answered. A "gone" answer drops
// the workers: the primary already retried their jobs elsewhere.
func (a *agent) beat() bool {
	var r reply
	if err := a.request("beat", beat{Session: a.current()}, &r); err != nil {
		return false
	}
	if r.Gone {
		a.log.Warn("agent: the primary gave this agent up; dropping workers and joining again")
		a.dropWorkers()
	}
	return true
}

func (a *agent) request(what string, v any, out *reply) error {
	data, _ := json.Marshal(v)
	m, err := a.nc.Request(agentSubject(a.cfg.Name, what), data, a.cfg.HeartbeatTimeout/3)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := json.Unmarshal(m.Data, out); err != nil {
		return fmt.Errorf("%s: bad reply: %w", what, err)
	}
	return nil
}
