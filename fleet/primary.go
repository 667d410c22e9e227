package fleet

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/nats-io/nats.go"
)

// PrimaryConfig configures the primary's side of the fleet.
type PrimaryConfig struct {
	// Listen starts an embedded NATS server on this address (serve
	// -cluster-listen); URL instead connects to an external server or cluster
	// (serve -nats, comma-separated URLs). Exactly one is set.
	Listen string
	URL    string
	// Token is what agents must present (their NATS password) to the embedded
	// server; required by the caller for a non-loopback Listen.
	Token string
	// AgentKeys binds each agent name to its public nkey (LoadAgentKeys, serve
	// -cluster-agents): the embedded server then admits only those agents, each
	// only under its own name. Nil: any name (with the token).
	AgentKeys map[string]string
	// HeartbeatTimeout: an agent not heard from for this long is lost. Default
	// DefaultHeartbeatTimeout.
	HeartbeatTimeout time.Duration
	Logger           *slog.Logger
	// TLS: the embedded server's certificate (and agents' CA), or with URL the
	// primary's client side (TLSFiles).
	TLS TLSFiles
}

// Primary adds the agents that join over NATS to a pool as hosts.
type Primary struct {
	c       *cluster.Cluster
	cfg     PrimaryConfig
	log     *slog.Logger
	emb     *embedded // nil with an external server
	nc      *nats.Conn
	sub     *nats.Subscription
	stop    chan struct{}
	stopped chan struct{}

	mu      sync.Mutex
	agents  map[string]*agentState
	bridges map[bridgeKey]*bridge
}

type bridgeKey struct {
	host string
	id   int
}

// agentState is an agent in the pool: its session and when it was last heard.
type agentState struct {
	session  string
	lastBeat time.Time
	late     int64 // messages for workers already given up, not yet reported
}

// StartPrimary starts (or connects to) the NATS server and serves agents for c.
func StartPrimary(c *cluster.Cluster, cfg PrimaryConfig) (*Primary, error) {
	if (cfg.Listen == "") == (cfg.URL == "") {
		return nil, fmt.Errorf("fleet: set one of a listen address and a NATS URL")
	}
	if cfg.URL != "" {
		if err := CheckURLs(cfg.URL); err != nil {
			return nil, fmt.Errorf("fleet: NATS URL %w", err)
		}
	}
	if cfg.HeartbeatTimeout <= 0 {
		cfg.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	f := &Primary{c: c, cfg: cfg, log: cfg.Logger, stop: make(chan struct{}), stopped: make(chan struct{}),
		agents: map[string]*agentState{}, bridges: map[bridgeKey]*bridge{}}
	if err := f.connect(); err != nil {
		return nil, err
	}
	sub, err := f.nc.Subscribe(subjectRoot+".agent.*.>", f.onMsg)
	if err == nil {
		err = sub.SetPendingLimits(-1, 256<<20) // relayed results must not be dropped
	}
	if err == nil {
		err = f.nc.Flush()
	}
	if err != nil {
		f.closeConn()
		return nil, fmt.Errorf("fleet: subscribe: %w", err)
	}
	f.sub = sub
	go f.monitor()
	return f, nil
}

func (f *Primary) connect() error {
	opts := []nats.Option{nats.Name("gocluster primary"), nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond)}
	url := f.cfg.URL
	if f.cfg.Listen != "" {
		auth := &authenticator{token: f.cfg.Token, keys: f.cfg.AgentKeys, refusals: refusalLog{log: f.log}, held: f.nameHeld}
		e, err := startEmbedded(f.cfg.Listen, auth, f.cfg.TLS)
		if err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
		// In process, so no TLS whatever the server's URL says: a tls:// URL would
		// make the client verify the server's certificate against the system's CAs.
		f.emb, url = e, strings.Replace(e.url(), "tls://", "nats://", 1)
		opts = append(opts, nats.InProcessServer(e.ns), nats.UserInfo(primaryUser, e.secret))
	}
	if f.emb == nil {
		opts = append(opts, f.cfg.TLS.clientOptions()...)
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		if f.emb != nil {
			f.emb.close()
		}
		return fmt.Errorf("fleet: connect to NATS at %s: %w", RedactURLs(url), err)
	}
	f.nc = nc
	return nil
}

// URL is where agents join: the embedded server's client URL, or the external one.
func (f *Primary) URL() string {
	if f.emb != nil {
		return f.emb.url()
	}
	return f.cfg.URL
}

// Addr is the embedded server's address (host:port), "" with an external one.
func (f *Primary) Addr() string {
	if f.emb == nil {
		return ""
	}
	if a, ok := f.emb.ns.Addr().(*net.TCPAddr); ok {
		return a.String()
	}
	return ""
}

// Close stops serving agents: remaining remote workers are given up (call it
// after the pool closed, which stopped them) and the embedded server stops.
func (f *Primary) Close() {
	close(f.stop)
	<-f.stopped
	f.sub.Unsubscribe()
	f.mu.Lock()
	var bs []*bridge
	for _, b := range f.bridges {
		bs = append(bs, b)
	}
	f.mu.Unlock()
	for _, b := range bs {
		b.Close()
	}
	f.closeConn()
}

func (f *Primary) closeConn() {
	f.nc.Close()
	if f.emb != nil {
		f.emb.close()
	}
}

// monitor gives up agents whose beats stopped, and reports dropped late
// messages, every tenth of the heartbeat timeout.
func (f *Primary) monitor() {
	defer close(f.stopped)
	t := time.NewTicker(f.cfg.HeartbeatTimeout / 10)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case now := <-t.C:
			f.checkAgents(now)
		}
	}
}

func (f *Primary) checkAgents(now time.Time) {
	var lost []string
	late := map[string]int64{}
	f.mu.Lock()
	for name, a := range f.agents {
		if a.late > 0 {
			late[name], a.late = a.late, 0
		}
		if a.session != "" && now.Sub(a.lastBeat) > f.cfg.HeartbeatTimeout {
			a.session = ""
			lost = append(lost, name)
		}
	}
	f.mu.Unlock()
	for name, n := range late {
		f.c.ReportLate(name, n)
	}
	for _, name := range lost {
		why := "no heartbeat for " + f.cfg.HeartbeatTimeout.String()
		f.log.Warn("fleet: agent lost; its jobs are retried elsewhere", "host", name, "why", why)
		f.c.RemoveHost(name, why)
	}
}

// StartWorker is the cluster.HostLink of every agent: it asks the agent to fork
// the worker and relays its IPC.
func (f *Primary) StartWorker(w cluster.RemoteWorker) (cluster.RemoteProcess, error) {
	b := newBridge(f, w.Host, w)
	f.mu.Lock()
	f.bridges[bridgeKey{w.Host, w.ID}] = b
	f.mu.Unlock()
	if err := f.publishJSON(hostSubject(w.Host, "spawn"), spawn{ID: w.ID, Env: w.Env}); err != nil {
		f.forget(b)
		return nil, err
	}
	b.start()
	return b, nil
}

func (f *Primary) forget(b *bridge) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bridges[bridgeKey{b.host, b.id}] == b {
		delete(f.bridges, bridgeKey{b.host, b.id})
	}
}

func (f *Primary) publishJSON(subj string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("fleet: encode %s: %w", subj, err)
	}
	if err := f.nc.Publish(subj, data); err != nil {
		return fmt.Errorf("fleet: publish %s: %w", subj, err)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// nameHeld reports whether a live agent holds name: joined and not given up.
func (f *Primary) nameHeld(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.agents[name]
	return a != nil && a.session != ""
}
