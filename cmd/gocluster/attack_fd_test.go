package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestAttackFDExhaustion: with a low open-file limit, a client opens far more
// connections than the process may hold files. The server caps the connections it
// holds below that limit, less what the workers need, so a worker killed meanwhile
// is replaced, and the pool is not left degraded. (Before the cap, accept and the
// replacement's socketpair both failed with "too many open files".)
func TestAttackFDExhaustion(t *testing.T) {
	p, base := serveLimited(t, 128, "-workers", "2", "-max-workers", "4")
	// One keep-alive connection, opened before the flood, to watch and steer.
	ctl := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}, Timeout: time.Minute}
	defer ctl.CloseIdleConnections()
	before := waitPoolVia(t, ctl, base, "2 workers online", func(p pool) bool { return onlineCount(p) == 2 })
	flood(t, strings.TrimPrefix(base, "http://"), 300)
	victim := before.Workers[0]
	post(t, ctl, fmt.Sprintf("%s/api/workers/%d/kill", base, victim.ID), `{"signal":"SIGKILL"}`)
	waitPoolVia(t, ctl, base, "a replacement online while 300 connections are open", func(p pool) bool {
		return onlineCount(p) == 2 && p.Workers[0].ID != victim.ID && p.Workers[1].ID != victim.ID
	})
	if out := p.out.String(); strings.Contains(out, "too many open files") {
		t.Fatalf("the server ran out of files:\n%s", out)
	}
}

// serveLimited starts `gocluster serve` under `ulimit -n files` (soft and hard: Go
// cannot raise it) and returns it with its base URL.
func serveLimited(t *testing.T, files int, args ...string) (*proc, string) {
	t.Helper()
	script := fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, files)
	all := append([]string{"-c", script, binPath, "serve", "-addr", "127.0.0.1:0"}, args...)
	cmd := exec.Command("sh", all...)
	cmd.Env = cleanEnv()
	p := startCmd(t, cmd, fmt.Sprintf("gocluster serve under ulimit -n %d", files))
	return p, "http://" + p.out.waitMatch(t, rePanel)[1]
}

// flood opens n TCP connections to addr and holds them until the test ends; it
// sends nothing on them.
func flood(t *testing.T, addr string, n int) {
	t.Helper()
	for range n {
		c, err := net.DialTimeout("tcp", addr, time.Minute)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { c.Close() })
	}
}

func onlineCount(p pool) int {
	n := 0
	for _, w := range p.Workers {
		if w.State == "idle" || w.State == "busy" {
			n++
		}
	}
	return n
}

// waitPoolVia polls GET /api/pool with client until cond holds.
func waitPoolVia(t *testing.T, client *http.Client, base, what string, cond func(pool) bool) pool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var p pool
		resp, err := client.Get(base + "/api/pool")
		if err != nil {
			t.Fatalf("GET /api/pool: %v", err)
		}
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err == nil && cond(p) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; pool %+v (%v)", what, p, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func post(t *testing.T, client *http.Client, url, body string) {
	t.Helper()
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST %s: %d", url, resp.StatusCode)
	}
}
