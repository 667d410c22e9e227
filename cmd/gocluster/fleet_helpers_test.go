package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var reAgentsJoin = regexp.MustCompile(`gocluster agents join: ((?:nats|tls)://\S+)`)

// fleetPrimary starts serve with an embedded NATS server on a free loopback port;
// it returns the process, the panel's base URL and the agents' URL.
func fleetPrimary(t *testing.T, args ...string) (*proc, string, string) {
	t.Helper()
	p, base := serveBin(t, nil, append([]string{"-cluster-listen", "127.0.0.1:0", "-name", "prim"}, args...)...)
	return p, base, p.out.waitMatch(t, reAgentsJoin)[1]
}

// startAgent starts gocluster agent as its own process.
func startAgent(t *testing.T, url, name string, workers int, args ...string) *proc {
	t.Helper()
	return startBin(t, nil, append([]string{"agent", "-join", url, "-name", name,
		"-workers", fmt.Sprint(workers), "-quiet"}, args...)...)
}

// hostJSON is the part of a host of GET /api/hosts the tests read.
type hostJSON struct {
	Name    string `json:"name"`
	Local   bool   `json:"local"`
	State   string `json:"state"`
	Size    int    `json:"size"`
	Late    int64  `json:"late_frames"`
	Reason  string `json:"reason"`
	Workers []struct {
		ID         int             `json:"id"`
		State      string          `json:"state"`
		Host       string          `json:"host"`
		CurrentJob json.RawMessage `json:"current_job"`
	} `json:"workers"`
}

func getHosts(t *testing.T, base string) map[string]hostJSON {
	t.Helper()
	body, code := request(t, "GET", base+"/api/hosts", "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/hosts: %d %s", code, body)
	}
	var r struct{ Hosts []hostJSON }
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("GET /api/hosts: %v: %s", err, body)
	}
	m := map[string]hostJSON{}
	for _, h := range r.Hosts {
		m[h.Name] = h
	}
	return m
}

// waitHosts polls GET /api/hosts until cond holds (a generous deadline: the
// machine is shared).
func waitHosts(t *testing.T, base, what string, cond func(map[string]hostJSON) bool) map[string]hostJSON {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		h := getHosts(t, base)
		if cond(h) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; hosts %+v", what, h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hostReady: host name is up with n workers, all serving.
func hostReady(name string, n int) func(map[string]hostJSON) bool {
	return func(hs map[string]hostJSON) bool {
		h := hs[name]
		if h.State != "up" || len(h.Workers) != n {
			return false
		}
		for _, w := range h.Workers {
			if w.State != "idle" && w.State != "busy" {
				return false
			}
		}
		return true
	}
}

// jobJSON and listJSON are the parts of a job list the tests read.
type jobJSON struct {
	ID       int64           `json:"id"`
	State    string          `json:"state"`
	Input    json.RawMessage `json:"input"`
	Result   json.RawMessage `json:"result"`
	Worker   int             `json:"worker"`
	Attempts int             `json:"attempts"`
	Tries    []struct {
		Worker  int    `json:"worker"`
		Host    string `json:"host"`
		Outcome string `json:"outcome"`
	} `json:"tries"`
}

type listJSON struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Summary struct {
		Total, Done, Failed, Canceled int
	} `json:"summary"`
	Jobs      []jobJSON `json:"jobs"`
	NextJobs  *int      `json:"next_jobs_offset"`
	JobsTotal int       `json:"jobs_total"`
}

// submitSleeps queues n sleep jobs of ms each and returns the list's id.
func submitSleeps(t *testing.T, base string, n, ms int) string {
	t.Helper()
	body, code := request(t, "POST", base+"/api/batches", fmt.Sprintf(`{"kind":"sleep","inputs":[%s]}`,
		strings.TrimSuffix(strings.Repeat(fmt.Sprint(ms)+",", n), ",")))
	if code != http.StatusCreated {
		t.Fatalf("POST /api/batches: %d %s", code, body)
	}
	var l listJSON
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	return l.ID
}

// getList reads a list with all its jobs (every page).
func getList(t *testing.T, base, id string) listJSON {
	t.Helper()
	var all listJSON
	for off := 0; ; {
		body, code := request(t, "GET", fmt.Sprintf("%s/api/batches/%s?jobs_offset=%d&jobs_limit=2000", base, id, off), "")
		if code != http.StatusOK {
			t.Fatalf("GET list %s: %d %s", id, code, body)
		}
		var l listJSON
		if err := json.Unmarshal([]byte(body), &l); err != nil {
			t.Fatal(err)
		}
		jobs := append(all.Jobs, l.Jobs...)
		all, all.Jobs = l, jobs
		if l.NextJobs == nil {
			return all
		}
		off = *l.NextJobs
	}
}

// waitList polls a list until cond holds.
func waitList(t *testing.T, base, id, what string, cond func(listJSON) bool) listJSON {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		body, code := request(t, "GET", fmt.Sprintf("%s/api/batches/%s?jobs_limit=0", base, id), "")
		var l listJSON
		if code == http.StatusOK && json.Unmarshal([]byte(body), &l) == nil && cond(l) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; list %s: %d %s", what, id, code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkEndedOnce checks that every job of a finished list is done with its input
// as its result (sleep returns it): one ending each, none lost.
func checkEndedOnce(t *testing.T, l listJSON, n int) {
	t.Helper()
	if l.State != "done" || l.Summary.Total != n || l.Summary.Done != n || l.Summary.Failed+l.Summary.Canceled != 0 {
		t.Fatalf("list %s: state %s, summary %+v; want %d done", l.ID, l.State, l.Summary, n)
	}
	if len(l.Jobs) != n {
		t.Fatalf("list %s: %d jobs, want %d", l.ID, len(l.Jobs), n)
	}
	for _, j := range l.Jobs {
		if j.State != "done" || string(j.Result) != string(j.Input) {
			t.Fatalf("job %d: state %s result %s, want done with %s", j.ID, j.State, j.Result, j.Input)
		}
	}
}

// eventJSON is the part of an event the tests read.
type eventJSON struct {
	Seq     uint64 `json:"seq"`
	Type    string `json:"type"`
	Host    string `json:"host"`
	Worker  int    `json:"worker"`
	Batch   string `json:"batch"`
	Job     int64  `json:"job"`
	Reason  string `json:"reason"`
	Dropped int64  `json:"dropped"`
}

func getEvents(t *testing.T, base string, since uint64) []eventJSON {
	t.Helper()
	body, code := request(t, "GET", fmt.Sprintf("%s/api/events?since=%d", base, since), "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/events: %d %s", code, body)
	}
	var evs []eventJSON
	if err := json.Unmarshal([]byte(body), &evs); err != nil {
		t.Fatal(err)
	}
	return evs
}

func poolLastSeq(t *testing.T, base string) uint64 {
	t.Helper()
	body, _ := request(t, "GET", base+"/api/pool", "")
	var p struct {
		LastSeq uint64 `json:"last_seq"`
	}
	json.Unmarshal([]byte(body), &p)
	return p.LastSeq
}

// hostOfWorkers maps worker ids to their host from the pool's current hosts.
func hostOfWorkers(hs map[string]hostJSON, into map[int]string) {
	for _, h := range hs {
		for _, w := range h.Workers {
			into[w.ID] = h.Name
		}
	}
}
