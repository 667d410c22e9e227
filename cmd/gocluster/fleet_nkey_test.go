package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nkeys"
)

// genNkey runs gocluster agent -gen-nkey for name and returns the seed file and
// the agents-file line it printed.
func genNkey(t *testing.T, dir, name string) (seed, line string) {
	t.Helper()
	seed = filepath.Join(dir, name+".nk")
	out, err := exec.Command(binPath, "agent", "-gen-nkey", seed, "-name", name).CombinedOutput()
	if err != nil {
		t.Fatalf("agent -gen-nkey: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^(` + name + ` U[A-Z0-9]{55})$`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("agent -gen-nkey printed no agents-file line for %s:\n%s", name, out)
	}
	if st, err := os.Stat(seed); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("seed file %s: %v, mode %v; want 0600", seed, err, st.Mode())
	}
	return seed, m[1]
}

// TestFleetNkeysBindNamesToKeys: with -cluster-agents each agent name is bound to
// its public nkey: host-a with its own seed joins; host-a's seed under host-b's
// name, an unlisted name, and an agent without -nkey are refused, the agent exiting
// non-zero saying so and the primary logging why.
func TestFleetNkeysBindNamesToKeys(t *testing.T) {
	dir := t.TempDir()
	seedA, lineA := genNkey(t, dir, "host-a")
	_, lineB := genNkey(t, dir, "host-b")
	agents := filepath.Join(dir, "agents.txt")
	if err := os.WriteFile(agents, []byte("# name key\n"+lineA+"\n\n"+lineB+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, base, url := fleetPrimary(t, "-workers", "0", "-cluster-agents", agents)
	refused := []struct {
		name string
		args []string
		why  string
	}{
		{"host-b", []string{"-nkey", seedA}, "its nkey is not the one -cluster-agents gives this name"},
		{"host-c", []string{"-nkey", seedA}, "its name is not in -cluster-agents"},
		{"host-b", nil, "it gave no nkey"},
	}
	var procs []*proc
	for _, r := range refused {
		procs = append(procs, startAgent(t, url, r.name, 1, r.args...))
	}
	startAgent(t, url, "host-a", 1, "-nkey", seedA)
	waitHosts(t, base, "host-a up with its own key", hostReady("host-a", 1))
	for i, r := range refused {
		a := procs[i]
		select {
		case <-a.done:
		case <-time.After(90 * time.Second):
			t.Fatalf("refused agent %s (%s) did not exit", r.name, r.why)
		}
		if a.err == nil || !strings.Contains(a.out.String(), "refused this agent") {
			t.Errorf("agent %s (%s): err %v, output %q; want a failure saying it was refused", r.name, r.why, a.err, a.out.String())
		}
		p.out.waitMatch(t, regexp.MustCompile(regexp.QuoteMeta("refused agent: "+r.why)+`.*agent=`+r.name))
	}
	h := getHosts(t, base)
	for _, n := range []string{"host-b", "host-c"} {
		if h[n].Name != "" {
			t.Errorf("refused agent %s is a host: %+v", n, h[n])
		}
	}
}

// TestFleetAgentsFileIsChecked: a bad -cluster-agents file stops serve with its
// line number.
func TestFleetAgentsFileIsChecked(t *testing.T) {
	dir := t.TempDir()
	for i, body := range []string{"host-a notakey\n", "# nothing\n", "bad name! UABC\n"} {
		f := filepath.Join(dir, fmt.Sprintf("agents%d.txt", i))
		os.WriteFile(f, []byte(body), 0o600)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a serve that started is killed
		cmd := exec.CommandContext(ctx, binPath, "serve", "-addr", "127.0.0.1:0", "-workers", "0",
			"-cluster-listen", "127.0.0.1:0", "-cluster-agents", f)
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(out), "-cluster-agents") {
			t.Errorf("agents file %q: err %v, output %q; want a usage error naming -cluster-agents", body, err, out)
		}
	}
}

// TestFleetAgentsFileNeverEchoesASeed: a seed listed where the public key belongs is
// refused without printing it (it would end up in the primary's logs).
func TestFleetAgentsFileNeverEchoesASeed(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := kp.Seed()
	f := filepath.Join(t.TempDir(), "agents.txt")
	os.WriteFile(f, []byte("host-a "+string(seed)+"\n"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, "serve", "-addr", "127.0.0.1:0", "-workers", "0",
		"-cluster-listen", "127.0.0.1:0", "-cluster-agents", f)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "looks like a seed") {
		t.Errorf("err %v, output %q; want a refusal saying it is a seed", err, out)
	}
	if strings.Contains(string(out), string(seed)) || strings.Contains(string(out), string(seed[:20])) {
		t.Errorf("the seed was printed: %q", out)
	}
}

// TestFleetAgentRevokedOnReconnectExits: an agent whose key is dropped from
// -cluster-agents while the primary restarts is refused on every reconnect; after
// two heartbeat bounds it exits non-zero saying so, instead of retrying forever.
func TestFleetAgentRevokedOnReconnectExits(t *testing.T) {
	dir := t.TempDir()
	seedA, lineA := genNkey(t, dir, "host-a")
	_, lineB := genNkey(t, dir, "host-b")
	agents := filepath.Join(dir, "agents.txt")
	os.WriteFile(agents, []byte(lineA+"\n"), 0o600)
	p, base, url := fleetPrimary(t, "-workers", "0", "-cluster-agents", agents)
	a := startAgent(t, url, "host-a", 1, "-nkey", seedA)
	waitHosts(t, base, "host-a up with its key", hostReady("host-a", 1))
	os.WriteFile(agents, []byte(lineB+"\n"), 0o600) // host-a revoked
	p.signal(t, syscall.SIGKILL)
	p.wait(t, time.Minute)
	hostPort := strings.TrimPrefix(url, "nats://")
	p2, _ := serveBin(t, nil, "-cluster-listen", hostPort, "-name", "prim", "-workers", "0", "-cluster-agents", agents)
	select {
	case <-a.done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the revoked agent still runs:\n%s", a.out.String())
	}
	if a.err == nil || !strings.Contains(a.out.String(), "on reconnect") {
		t.Errorf("agent: err %v, output %q; want a failure saying it was refused on reconnect", a.err, a.out.String())
	}
	p2.out.waitMatch(t, regexp.MustCompile(`refused agent: .*agent=host-a`))
}

// TestFleetAgentRefusesASeedOthersCanRead: an agent whose -nkey file others may
// read exits non-zero before connecting, saying how to fix it, as ssh does with
// such a private key.
func TestFleetAgentRefusesASeedOthersCanRead(t *testing.T) {
	seed, _ := genNkey(t, t.TempDir(), "host-a")
	if err := os.Chmod(seed, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Nothing listens on the -join address: the agent must not get that far.
	cmd := exec.CommandContext(ctx, binPath, "agent", "-join", "nats://127.0.0.1:1", "-name", "host-a", "-nkey", seed)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "chmod 600 "+seed) {
		t.Fatalf("err %v, output %q; want a refusal naming chmod 600", err, out)
	}
}

// TestFleetAgentNeverPrintsTheJoinCredentials: a -join URL with user:password
// (or a NATS token) is shown with the secret as xxxxx in what the agent prints,
// its start line and its retries alike.
func TestFleetAgentNeverPrintsTheJoinCredentials(t *testing.T) {
	// Nothing listens there: the agent retries, logging the URL each time.
	a := startBin(t, nil, "agent", "-join", "nats://host-a:s3cretpass@127.0.0.1:1,nats://t0kent0ken@127.0.0.1:2",
		"-name", "host-a")
	a.out.waitMatch(t, regexp.MustCompile(`retrying`))
	out := a.out.String()
	if strings.Contains(out, "s3cretpass") || strings.Contains(out, "t0kent0ken") {
		t.Fatalf("a credential was printed:\n%s", out)
	}
	if !strings.Contains(out, "joining nats://host-a:xxxxx@127.0.0.1:1,nats://xxxxx@127.0.0.1:2") {
		t.Fatalf("the start line does not show the redacted URLs:\n%s", out)
	}
}
