package fleet

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// agentConn connects to e as agent name with token, collecting the server's
// asynchronous errors (permission violations) on errs.
func agentConn(t *testing.T, e *embedded, name, token string, errs chan error) (*nats.Conn, error) {
	t.Helper()
	return nats.Connect(e.url(), nats.UserInfo(name, token), nats.CustomInboxPrefix(inboxPrefix(name)),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			select {
			case errs <- err:
			default:
			}
		}))
}

func startTestServer(t *testing.T, token string) *embedded {
	t.Helper()
	e, err := startEmbedded("127.0.0.1:0", &authenticator{token: token, refusals: refusalLog{log: slog.New(slog.NewTextHandler(io.Discard, nil))}},
		TLSFiles{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	return e
}

// TestAgentsAreScopedToTheirSubjects: an agent may publish on its own subjects and
// is refused another agent's, and may not listen to another agent's work.
func TestAgentsAreScopedToTheirSubjects(t *testing.T) {
	e := startTestServer(t, "a-token-of-16-chars-or-more")
	errs := make(chan error, 8)
	nc, err := agentConn(t, e, "host-a", "a-token-of-16-chars-or-more", errs)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := nc.Publish(agentSubject("host-a", "beat"), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	nc.Flush()
	select {
	case err := <-errs:
		t.Fatalf("publishing on its own subject: %v", err)
	case <-time.After(200 * time.Millisecond): // nothing came back: allowed (a violation is answered at once)
	}
	for what, try := range map[string]func() error{
		"publish as host-b": func() error { return nc.Publish(agentSubject("host-b", "hello"), []byte("{}")) },
		"publish to host-b's workers": func() error {
			return nc.Publish(hostSubject("host-b", "w.1"), []byte("x"))
		},
		"subscribe to host-b's work": func() error {
			_, err := nc.SubscribeSync(hostSubject("host-b", ">"))
			return err
		},
	} {
		if err := try(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		nc.Flush()
		select {
		case err := <-errs:
			if !errors.Is(err, nats.ErrPermissionViolation) {
				t.Errorf("%s: %v, want a permissions violation", what, err)
			}
		case <-time.After(time.Minute):
			t.Errorf("%s: allowed", what)
		}
	}
}

// TestWrongTokenIsRefused: a wrong token, or a user that is no agent name, does
// not connect.
func TestWrongTokenIsRefused(t *testing.T) {
	e := startTestServer(t, "a-token-of-16-chars-or-more")
	for _, c := range []struct{ user, token string }{
		{"host-a", "wrong"}, {"host-a", ""}, {"a.b", "a-token-of-16-chars-or-more"}, {primaryUser, "guess"},
	} {
		nc, err := agentConn(t, e, c.user, c.token, make(chan error, 1))
		if err == nil {
			nc.Close()
			t.Errorf("user %q token %q: connected", c.user, c.token)
			continue
		}
		if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization") {
			t.Errorf("user %q token %q: %v, want an authorization error", c.user, c.token, err)
		}
	}
}

func TestSubjects(t *testing.T) {
	name, rest, ok := splitAgentSubject(agentSubject("host-a", "w.12"))
	if !ok || name != "host-a" || rest != "w.12" {
		t.Fatalf("split: %q %q %v", name, rest, ok)
	}
	if id, _, ok := workerOf("12"); !ok || id != 12 {
		t.Fatalf("workerOf 12: %d %v", id, ok)
	}
	if id, s, ok := workerOf("7.2"); !ok || id != 7 || s != "2" {
		t.Fatalf("workerOf 7.2: %d %q %v", id, s, ok)
	}
	for _, bad := range []string{"", "x", "0", "-3"} {
		if _, _, ok := workerOf(bad); ok {
			t.Errorf("workerOf %q: ok", bad)
		}
	}
	if _, _, ok := splitAgentSubject("gocluster.host.a.w.1"); ok {
		t.Error("a host subject split as an agent's")
	}
}

// TestANameHeldByALiveAgentIsRefused: every agent holds the same token, so a
// second connection under a name a live agent holds is refused (it would get that
// agent's permissions: read its jobs, answer for its workers); once the primary
// gives the agent up, the name connects again.
func TestANameHeldByALiveAgentIsRefused(t *testing.T) {
	const token = "a-token-of-16-chars-or-more"
	var mu sync.Mutex
	held := map[string]bool{"host-b": true}
	e, err := startEmbedded("127.0.0.1:0", &authenticator{token: token, refusals: refusalLog{log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		held: func(name string) bool {
			mu.Lock()
			defer mu.Unlock()
			return held[name]
		}}, TLSFiles{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	if nc, err := agentConn(t, e, "host-b", token, make(chan error, 1)); err == nil {
		nc.Close()
		t.Fatal("a second host-b connected while host-b is held")
	} else if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization") {
		t.Fatalf("held name: %v, want an authorization error", err)
	}
	nc, err := agentConn(t, e, "host-c", token, make(chan error, 1))
	if err != nil {
		t.Fatalf("a free name: %v", err)
	}
	nc.Close()
	mu.Lock()
	held["host-b"] = false
	mu.Unlock()
	nc, err = agentConn(t, e, "host-b", token, make(chan error, 1))
	if err != nil {
		t.Fatalf("host-b once given up: %v", err)
	}
	nc.Close()
}

// TestAnNkeyWithoutAgentsFileConnects: the embedded server always sends a nonce,
// so an agent given -nkey joins a primary without -cluster-agents (its key is not
// checked there).
func TestAnNkeyWithoutAgentsFileConnects(t *testing.T) {
	e := startTestServer(t, "")
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	nc, err := nats.Connect(e.url(), nats.UserInfo("host-a", ""), nats.Nkey(pub, kp.Sign))
	if err != nil {
		t.Fatalf("an agent with an nkey, no agents file: %v", err)
	}
	nc.Close()
}

// TestRepliesGoOnlyToTheAskingAgentsInbox: a request from host-a that names a reply
// subject of host-b (its worker stream, its inbox) or the primary's own subjects gets
// no answer there; its own inbox does.
func TestRepliesGoOnlyToTheAskingAgentsInbox(t *testing.T) {
	for reply, want := range map[string]bool{
		inboxPrefix("host-a") + ".x1.2": true,
		hostSubject("host-b", "w.3"):    false,
		agentSubject("host-b", "w.3"):   false,
		inboxPrefix("host-b") + ".x1":   false,
		inboxPrefix("host-a"):           false,
		inboxPrefix("host-a") + ".":     false,
		inboxPrefix("host-a") + ".>":    false,
		inboxPrefix("host-ab") + ".x1":  false,
		"":                              false,
	} {
		if got := replyIsAgents("host-a", reply); got != want {
			t.Errorf("reply %q for host-a: allowed %v, want %v", reply, got, want)
		}
	}
}
