package main

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFleetListAcrossHostsSurvivesAKilledAgent: a primary with one worker and two
// agents (separate processes, 2 workers each) run a 1,000-job list on all five;
// kill -9 of one agent mid-list retries its jobs elsewhere, every job ends exactly
// once; the agent started again rejoins and takes work; PUT /api/hosts/{name}/pool
// scales it.
func TestFleetListAcrossHostsSurvivesAKilledAgent(t *testing.T) {
	_, base, url := fleetPrimary(t, "-workers", "1")
	a := startAgent(t, url, "host-a", 2)
	b := startAgent(t, url, "host-b", 2)
	hs := waitHosts(t, base, "both agents up with 2 workers", func(h map[string]hostJSON) bool {
		return hostReady("host-a", 2)(h) && hostReady("host-b", 2)(h) && hostReady("prim", 1)(h)
	})
	hostOf := map[int]string{}
	hostOfWorkers(hs, hostOf)

	const n = 1000
	id := submitSleeps(t, base, n, 20)
	waitList(t, base, id, "200 jobs done", func(l listJSON) bool { return l.Summary.Done >= 200 })
	a.signal(t, syscall.SIGKILL)
	waitHosts(t, base, "host-a lost", func(h map[string]hostJSON) bool {
		return h["host-a"].State == "lost" && len(h["host-a"].Workers) == 0
	})
	waitList(t, base, id, "the list done", func(l listJSON) bool { return l.State != "running" })
	l := getList(t, base, id)
	checkEndedOnce(t, l, n)
	ranOn := map[string]int{}
	retried, lostOnA := 0, 0
	for _, j := range l.Jobs {
		ranOn[hostOf[j.Worker]]++
		if j.Attempts > 1 {
			retried++
		}
		if len(j.Tries) != j.Attempts {
			t.Fatalf("job %d: %d tries for %d attempts", j.ID, len(j.Tries), j.Attempts)
		}
		for _, tr := range j.Tries { // every try names the host its worker ran on
			if h, ok := hostOf[tr.Worker]; ok && tr.Host != h {
				t.Fatalf("job %d: a try on worker %d says host %q, want %q", j.ID, tr.Worker, tr.Host, h)
			}
			if tr.Host == "host-a" && tr.Outcome != "done" {
				lostOnA++
			}
		}
	}
	if lostOnA == 0 {
		t.Errorf("no try on host-a ended other than done: its killed attempts are missing (%d retried)", retried)
	}
	if ranOn["prim"] == 0 || ranOn["host-a"] == 0 || ranOn["host-b"] == 0 {
		t.Errorf("jobs by host %v: want some on each of prim, host-a and host-b", ranOn)
	}
	if retried == 0 {
		t.Errorf("no job was retried: host-a's running jobs should have been (jobs by host %v)", ranOn)
	}
	t.Logf("jobs by host %v; %d retried after host-a was killed", ranOn, retried)

	startAgent(t, url, "host-a", 2)
	hs = waitHosts(t, base, "host-a back", hostReady("host-a", 2))
	since := poolLastSeq(t, base)
	id2 := submitSleeps(t, base, 100, 20)
	checkEndedOnce(t, getList(t, base, waitList(t, base, id2, "the second list done",
		func(l listJSON) bool { return l.State != "running" }).ID), 100)
	onA := 0
	for _, e := range getEvents(t, base, since) {
		if e.Type == "job.done" && e.Host == "host-a" {
			onA++
		}
	}
	if onA == 0 {
		t.Errorf("the rejoined host-a ran none of the second list")
	}
	body, code := request(t, "PUT", base+"/api/hosts/host-a/pool", `{"size":1}`)
	if code != http.StatusOK {
		t.Fatalf("PUT /api/hosts/host-a/pool: %d %s", code, body)
	}
	waitHosts(t, base, "host-a scaled to 1", hostReady("host-a", 1))
	if _, code := request(t, "PUT", base+"/api/hosts/nobody/pool", `{"size":1}`); code != http.StatusNotFound {
		t.Errorf("PUT /api/hosts/nobody/pool: %d, want 404", code)
	}
	b.signal(t, syscall.SIGTERM) // a stopping agent says so: lost at once, with the reason
	waitHosts(t, base, "host-b gone as it said", func(h map[string]hostJSON) bool {
		return h["host-b"].State == "lost" && h["host-b"].Reason == "the agent stopped"
	})
}

// TestFleetPausedAgentsLateResultsAreDropped: an agent paused (SIGSTOP) past the
// heartbeat bound is given up and its jobs retried elsewhere; resumed (SIGCONT),
// its workers' results, finished meanwhile, arrive late and are dropped with a
// counted host.late event, never a second ending; the agent rejoins.
func TestFleetPausedAgentsLateResultsAreDropped(t *testing.T) {
	_, base, url := fleetPrimary(t, "-workers", "1")
	a := startAgent(t, url, "host-a", 2)
	waitHosts(t, base, "host-a up", hostReady("host-a", 2))
	since := poolLastSeq(t, base)
	const n = 40
	id := submitSleeps(t, base, n, 300)
	waitHosts(t, base, "host-a's workers busy", func(h map[string]hostJSON) bool {
		busy := 0
		for _, w := range h["host-a"].Workers {
			if len(w.CurrentJob) > 0 && string(w.CurrentJob) != "null" {
				busy++
			}
		}
		return busy == 2
	})
	a.signal(t, syscall.SIGSTOP)
	// The loss takes the heartbeat bound (3 s): the workers, not paused, finish
	// their 300 ms jobs meanwhile, and their results wait in the agent's sockets.
	waitHosts(t, base, "host-a lost", func(h map[string]hostJSON) bool { return h["host-a"].State == "lost" })
	a.signal(t, syscall.SIGCONT)
	hs := waitHosts(t, base, "late frames counted", func(h map[string]hostJSON) bool { return h["host-a"].Late > 0 })
	t.Logf("host-a late frames: %d", hs["host-a"].Late)
	waitHosts(t, base, "host-a back", hostReady("host-a", 2))
	l := getList(t, base, waitList(t, base, id, "the list done", func(l listJSON) bool { return l.State != "running" }).ID)
	checkEndedOnce(t, l, n)
	endings := map[int64]int{}
	late, lostExits := 0, 0
	for _, e := range getEvents(t, base, since) {
		switch {
		case e.Batch == id && (e.Type == "job.done" || e.Type == "job.failed"):
			endings[e.Job]++
		case e.Type == "host.late" && e.Host == "host-a" && e.Dropped > 0:
			late++
		case e.Type == "worker.exit" && e.Host == "host-a" && e.Reason == "host_lost":
			lostExits++
		}
	}
	for _, j := range l.Jobs {
		if endings[j.ID] != 1 {
			t.Errorf("job %d ended %d times", j.ID, endings[j.ID])
		}
	}
	if late == 0 || lostExits != 2 {
		t.Errorf("%d host.late events and %d worker.exit (host_lost) of host-a: want some and 2", late, lostExits)
	}
}

// TestFleetWrongTokenIsRefused: with -cluster-token the embedded server refuses an
// agent with another token, and both sides say so; the right token joins.
func TestFleetWrongTokenIsRefused(t *testing.T) {
	const token = "0123456789abcdef-fleet"
	p, base, url := fleetPrimary(t, "-workers", "0", "-cluster-token", token)
	bad := startAgent(t, url, "intruder", 1, "-token", "not-the-token")
	select {
	case <-bad.done:
	case <-time.After(90 * time.Second):
		t.Fatal("the refused agent did not exit")
	}
	if bad.err == nil || !strings.Contains(bad.out.String(), "refused this agent") {
		t.Errorf("refused agent: err %v, output %q; want a failure saying it was refused", bad.err, bad.out.String())
	}
	p.out.waitMatch(t, regexp.MustCompile(`refused agent: wrong token.*agent=intruder`))
	if h := getHosts(t, base); h["intruder"].Name != "" {
		t.Errorf("the refused agent is a host: %+v", h["intruder"])
	}
	startAgent(t, url, "friend", 1, "-token", token)
	waitHosts(t, base, "the agent with the token up", hostReady("friend", 1))
}

// TestFleetExternalNATSServer: primary and agent meet on a separate nats-server
// process (built here from the module) instead of the embedded one.
func TestFleetExternalNATSServer(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "natsserver")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/natsserver").CombinedOutput(); err != nil {
		t.Fatalf("build nats-server: %v\n%s", err, out)
	}
	ns := startCmd(t, exec.Command(bin), "nats-server")
	url := ns.out.waitMatch(t, regexp.MustCompile(`nats-server ready: (nats://\S+)`))[1]
	_, base := serveBin(t, nil, "-nats", url, "-name", "prim", "-workers", "0")
	startAgent(t, url, "host-x", 2)
	waitHosts(t, base, "host-x up", hostReady("host-x", 2))
	id := submitSleeps(t, base, 50, 5)
	checkEndedOnce(t, getList(t, base, waitList(t, base, id, "the list done",
		func(l listJSON) bool { return l.State != "running" }).ID), 50)
}

// TestFleetAgentRefusedForGoodExits: an agent the primary can never take (its
// -workers above the primary's -max-workers, the primary's own -name) exits
// non-zero at once saying why, instead of retrying forever; a 5,000-character bad
// -name is not echoed whole.
func TestFleetAgentRefusedForGoodExits(t *testing.T) {
	_, base, url := fleetPrimary(t, "-workers", "0", "-max-workers", "2")
	cases := []struct {
		name    string
		workers int
		want    string
	}{
		{"too-big", 3, "-workers 3 is outside the primary's 0..-max-workers 2"},
		{"prim", 1, "host name prim is the primary's own"},
	}
	for _, c := range cases {
		a := startAgent(t, url, c.name, c.workers)
		select {
		case <-a.done:
		case <-time.After(90 * time.Second):
			t.Fatalf("agent %s refused for good did not exit", c.name)
		}
		if a.err == nil || !strings.Contains(a.out.String(), c.want) || !strings.Contains(a.out.String(), "refused this agent") {
			t.Errorf("agent %s: err %v, output %q; want a failure saying %q", c.name, a.err, a.out.String(), c.want)
		}
	}
	if h := getHosts(t, base); h["too-big"].Name != "" {
		t.Errorf("the refused agent is a host: %+v", h["too-big"])
	}
	long := strings.Repeat("x", 5000) + "!"
	a := startAgent(t, url, long, 1)
	select {
	case <-a.done:
	case <-time.After(90 * time.Second):
		t.Fatal("agent with a bad -name did not exit")
	}
	if out := a.out.String(); a.err == nil || !strings.Contains(out, "-name") || len(out) > 1000 {
		t.Errorf("bad -name: err %v, output (%d bytes) %.300q; want a short usage error", a.err, len(out), out)
	}
}
