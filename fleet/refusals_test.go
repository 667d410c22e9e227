package fleet

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocluster/gocluster/internal/proctest"
	"github.com/nats-io/nats.go"
)

// lockedBuffer is a log sink the NATS server's goroutines may write concurrently.
type lockedBuffer struct{ proctest.Buffer }

// lines is the lines logged so far that hold substr.
func (l *lockedBuffer) lines(substr string) []string {
	var out []string
	for _, line := range l.Lines() {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

// TestRefusedConnectionsAreLoggedOncePerCause: an agent retrying with a wrong
// token over real NATS connections is logged once, not once per try; after the
// quiet minute (on a fake clock) the next refusal is logged with the count of
// those left out. Another cause (an unknown user name) has its own line.
func TestRefusedConnectionsAreLoggedOncePerCause(t *testing.T) {
	var logs lockedBuffer
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	auth := &authenticator{token: "right", refusals: refusalLog{log: slog.New(slog.NewTextHandler(&logs, nil)), now: clock}}
	e, err := startEmbedded("127.0.0.1:0", auth, TLSFiles{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	try := func(user, pass string) {
		t.Helper()
		nc, err := nats.Connect(e.url(), nats.UserInfo(user, pass), nats.NoReconnect())
		if err == nil {
			nc.Close()
			t.Fatalf("%s connected with password %q", user, pass)
		}
	}
	for range 5 {
		try("host-a", "wrong")
	}
	if got := logs.lines("wrong token"); len(got) != 1 {
		t.Fatalf("5 refusals of one cause logged %d lines, want 1:\n%s", len(got), strings.Join(got, "\n"))
	}
	try("bad name!", "right")
	if got := logs.lines("not an agent name"); len(got) != 1 {
		t.Fatalf("a second cause logged %d lines, want 1", len(got))
	}
	mu.Lock()
	now = now.Add(refusalQuiet)
	mu.Unlock()
	try("host-a", "wrong")
	got := logs.lines("wrong token")
	if len(got) != 2 || !strings.Contains(got[1], "suppressed=4") {
		t.Fatalf("after the quiet minute, want a second line with suppressed=4:\n%s", strings.Join(got, "\n"))
	}
}

// TestRefusalsOfRotatingNamesStayWithinTheBudget: a client that takes a new name
// on every try is a new cause each time; all causes together log at most
// refusalBudget lines a minute, and the first line after it counts the rest;
// the table of causes stays within its bound.
func TestRefusalsOfRotatingNamesStayWithinTheBudget(t *testing.T) {
	var logs lockedBuffer
	now := time.Unix(1_700_000_000, 0)
	r := refusalLog{log: slog.New(slog.NewTextHandler(&logs, nil)), now: func() time.Time { return now }}
	for i := range maxRefusalKeys + 100 {
		r.refused("fleet: refused agent: wrong token", fmt.Sprintf("n%d", i), "10.0.0.9:40000")
	}
	if got := len(logs.lines("wrong token")); got != refusalBudget {
		t.Fatalf("%d distinct names logged %d lines, want the budget %d", maxRefusalKeys+100, got, refusalBudget)
	}
	if len(r.seen) > maxRefusalKeys {
		t.Fatalf("the table holds %d causes, over its bound %d", len(r.seen), maxRefusalKeys)
	}
	now = now.Add(refusalQuiet)
	r.refused("fleet: refused agent: wrong token", "n-last", "10.0.0.9:40001")
	lines := logs.lines("wrong token")
	want := fmt.Sprintf("others_suppressed=%d", maxRefusalKeys+100-refusalBudget)
	if len(lines) != refusalBudget+1 || !strings.Contains(lines[len(lines)-1], want) {
		t.Fatalf("after the window, want one more line with %s; last: %s", want, lines[len(lines)-1])
	}
}
