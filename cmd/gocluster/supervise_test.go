package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// supervisedPool is the part of GET /api/pool a pool of plain programs shows.
type supervisedPool struct {
	Protocol   string `json:"protocol"`
	Restarting bool   `json:"restarting"`
	Workers    []struct {
		ID        int    `json:"id"`
		PID       int    `json:"pid"`
		Ready     bool   `json:"ready"`
		Listening string `json:"listening"`
	} `json:"workers"`
}

func getSupervised(t *testing.T, base string) supervisedPool {
	t.Helper()
	body, code := request(t, "GET", base+"/api/pool", "")
	var p supervisedPool
	if code != http.StatusOK || json.Unmarshal([]byte(body), &p) != nil {
		t.Fatalf("GET /api/pool: %d %s", code, body)
	}
	return p
}

func waitSupervised(t *testing.T, base, what string, cond func(supervisedPool) bool) supervisedPool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		p := getSupervised(t, base)
		if cond(p) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; pool %+v", what, p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func allReady(n int) func(supervisedPool) bool {
	return func(p supervisedPool) bool {
		if len(p.Workers) != n || p.Restarting {
			return false
		}
		for _, w := range p.Workers {
			if !w.Ready {
				return false
			}
		}
		return true
	}
}

// TestServeSupervisesPlainServerOnSharedPort is issue 14's acceptance, through the
// real binary: two socket-activated Python servers share -listen's port; jobs are
// refused with the reason; 5 rolling restarts over the API and one by SIGHUP lose
// no request of 4 keep-alive clients; a kill and a scale work.
func TestServeSupervisesPlainServerOnSharedPort(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir, _ := filepath.Abs("../../demos/supervise")
	p, base := serveBin(t, nil, "-workers", "2", "-exec", "python3 server.py", "-dir", dir,
		"-protocol", "none", "-listen", "127.0.0.1:0", "-drain-timeout", "20s")
	pool := waitSupervised(t, base, "2 ready servers", allReady(2))
	if pool.Protocol != "none" || pool.Workers[0].Listening == "" {
		t.Fatalf("pool %+v: want protocol none, workers listening", pool)
	}
	url := "http://" + pool.Workers[0].Listening + "/"
	if body, code := request(t, "POST", base+"/api/batches", `{"kind":"fib","inputs":[1]}`); code != http.StatusConflict ||
		!strings.Contains(body, "this pool runs plain programs (-protocol none): no jobs") {
		t.Fatalf("POST /api/batches: %d %s, want 409 with the reason", code, body)
	}
	if body, code := request(t, "GET", base+"/api/kinds", ""); code != http.StatusOK || !strings.Contains(body, `"kinds":[]`) {
		t.Fatalf("GET /api/kinds of plain programs: %d %s, want no kinds", code, body)
	}

	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: time.Minute}
			defer client.CloseIdleConnections()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
			}
		}()
	}
	served := func(what string) { // some requests get through between restarts
		target := ok.Load() + 5
		waitSupervised(t, base, what, func(supervisedPool) bool { return ok.Load() >= target })
	}
	served("requests before the restarts")
	for i := range 5 {
		if body, code := request(t, "POST", base+"/api/pool/restart", ""); code != http.StatusAccepted {
			t.Fatalf("restart %d: %d %s", i+1, code, body)
		}
		waitSupervised(t, base, "the restart to end", allReady(2))
		served("requests after a restart")
	}
	before := getSupervised(t, base)
	p.signal(t, syscall.SIGHUP)
	waitSupervised(t, base, "SIGHUP's restart to replace both", func(s supervisedPool) bool {
		return allReady(2)(s) && s.Workers[0].ID > before.Workers[1].ID
	})
	served("requests after SIGHUP's restart")
	close(stop)
	wg.Wait()
	t.Logf("6 rolling restarts: %d requests, %d failed", ok.Load(), failed.Load())
	if failed.Load() != 0 || ok.Load() == 0 {
		t.Fatalf("%d requests failed (first: %v), %d served", failed.Load(), firstErr.Load(), ok.Load())
	}

	victim := getSupervised(t, base).Workers[0]
	if body, code := request(t, "POST", fmt.Sprintf("%s/api/workers/%d/kill", base, victim.ID), `{"signal":"SIGKILL"}`); code != http.StatusAccepted {
		t.Fatalf("kill: %d %s", code, body)
	}
	waitSupervised(t, base, "the killed server replaced", func(s supervisedPool) bool {
		return allReady(2)(s) && s.Workers[0].ID != victim.ID
	})
	if body, code := request(t, "PUT", base+"/api/pool", `{"size":3}`); code != http.StatusOK {
		t.Fatalf("scale: %d %s", code, body)
	}
	waitSupervised(t, base, "3 servers", allReady(3))
	if !strings.Contains(fetchBody(t, url), "(socket activation)") {
		t.Fatal("the servers do not serve the shared port by socket activation")
	}
	if !regexp.MustCompile(`\[worker \d+\] pid \d+ serving http://`).MatchString(p.out.String()) {
		t.Fatalf("the servers' output is not captured:\n%s", p.out.String())
	}
	// What a server printed is there through the API too. A plain server is
	// ready as soon as it runs (its socket was bound by the primary), so its
	// first line may come later: under load python3 takes seconds to print it.
	id := getSupervised(t, base).Workers[0].ID
	deadline := time.Now().Add(2 * time.Minute)
	for {
		body, said := servingLogged(t, base, id)
		if said {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker %d's logs lack its 'serving' line: %s", id, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// servingLogged reports whether GET /api/workers/ID/logs holds the demo
// server's "pid N serving http://…" line on stdout, with the body read.
func servingLogged(t *testing.T, base string, id int) (string, bool) {
	t.Helper()
	body, code := request(t, "GET", fmt.Sprintf("%s/api/workers/%d/logs", base, id), "")
	var logs struct {
		Lines []struct {
			Worker int    `json:"worker"`
			Stream string `json:"stream"`
			Text   string `json:"text"`
		} `json:"lines"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &logs) != nil {
		t.Fatalf("GET /api/workers/%d/logs: %d %s", id, code, body)
	}
	for _, l := range logs.Lines {
		if l.Worker == id && l.Stream == "stdout" && regexp.MustCompile(`^pid \d+ serving http://`).MatchString(l.Text) {
			return body, true
		}
	}
	return body, false
}

func fetchBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
