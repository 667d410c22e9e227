package fleet

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/nats-io/nats-server/v2/server"
)

// primaryUser is the name the primary's own connection authenticates with; its
// password is a secret made per run, so no agent can take it.
const primaryUser = "_gocluster_primary"

// authenticator is the embedded server's client authentication: the primary's
// own connection by its per-run secret, an agent by its name (the NATS user) and
// the token (the password). It gives each agent permissions limited to its own
// subjects, as a NATS server config's per-user permissions would.
type authenticator struct {
	token string // "" on a loopback listener without -token: any agent may join
	// keys binds agent names to public nkeys (serve -cluster-agents); nil: none.
	keys   map[string]string
	secret string
	// refusals logs refused connections, once a minute per cause at most.
	refusals refusalLog
	// held reports whether a live agent holds the name (joined, not yet given
	// up). A second connection under that name is refused: the token is shared by
	// every agent, so without this any holder could take another agent's
	// permissions and speak for its workers. The holder's own reconnection after a
	// network break waits until the primary gave its session up (the heartbeat
	// bound), then joins again.
	held func(name string) bool
}

func (a *authenticator) Check(c server.ClientAuthentication) bool {
	o := c.GetOpts()
	if o.Username == primaryUser {
		return subtle.ConstantTimeCompare([]byte(o.Password), []byte(a.secret)) == 1
	}
	if !cluster.ValidHostName(o.Username) {
		a.refusals.refused("fleet: refused a NATS client: its user is not an agent name (1 to 64 letters, digits, '-' or '_')",
			clip(o.Username), addrOf(c))
		return false
	}
	if a.token != "" && subtle.ConstantTimeCompare([]byte(o.Password), []byte(a.token)) != 1 {
		a.refusals.refused("fleet: refused agent: wrong token", o.Username, addrOf(c))
		return false
	}
	name := o.Username
	if a.keys != nil {
		if why := checkNkey(a.keys, name, o.Nkey, o.Sig, c.GetNonce()); why != "" {
			a.refusals.refused("fleet: refused agent: "+why, name, addrOf(c))
			return false
		}
	}
	if a.held != nil && a.held(name) {
		a.refusals.refused("fleet: refused agent: its name is held by a live agent", name, addrOf(c))
		return false
	}
	c.RegisterUser(&server.User{Username: name, Permissions: &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: []string{agentSubject(name, ">")}},
		Subscribe: &server.SubjectPermission{Allow: []string{hostSubject(name, ">"), inboxPrefix(name) + ".>"}},
	}})
	return true
}

func addrOf(c server.ClientAuthentication) string {
	if a := c.RemoteAddress(); a != nil {
		return a.String()
	}
	return "in-process"
}

// embedded is the NATS server run inside the primary (serve -cluster-listen).
type embedded struct {
	ns     *server.Server
	secret string
}

// startEmbedded listens on addr ("host:port"; port 0 picks one).
func startEmbedded(addr string, auth *authenticator, files TLSFiles) (*embedded, error) {
	tlsCfg, err := files.serverTLS()
	if err != nil {
		return nil, err
	}
	host, portS, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("cluster listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portS)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("cluster listen address %q: bad port", addr)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	auth.secret = randomHex(16)
	opts := &server.Options{Host: host, Port: port, NoSigs: true, NoLog: true, ServerName: "gocluster",
		// Always a nonce: an agent given -nkey connects (its key unchecked) to a
		// primary not yet started with -cluster-agents, so keys can come in host by host.
		CustomClientAuthentication: auth, AlwaysEnableNonce: true,
		// A dead peer's socket is closed after 3 unanswered pings, 20 s apart: well past
		// the heartbeat bound, so an agent paused (SIGSTOP) for longer than the bound but
		// less than a minute keeps its connection, and what it says late is counted.
		PingInterval: 20 * time.Second, MaxPingsOut: 3,
	}
	if tlsCfg != nil {
		opts.TLSConfig, opts.TLS, opts.TLSVerify, opts.TLSTimeout = tlsCfg, true, files.CA != "", 5
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("start NATS server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("start NATS server on %s: not ready (is the port taken?)", addr)
	}
	return &embedded{ns: ns, secret: auth.secret}, nil
}

// url is where clients connect.
func (e *embedded) url() string { return e.ns.ClientURL() }

func (e *embedded) close() {
	e.ns.Shutdown()
	e.ns.WaitForShutdown()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
