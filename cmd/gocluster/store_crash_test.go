package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// storeEnv lets a serve keep the history its test gives it with -data.
var storeEnv = []string{"GOCLUSTER_EPHEMERAL=false"}

// crashJob and crashList are the parts of a list the crash test reads.
type crashJob struct {
	ID       int64  `json:"id"`
	State    string `json:"state"`
	Attempts int    `json:"attempts"`
	Tries    []struct {
		Worker    int       `json:"worker"`
		StartedAt time.Time `json:"started_at"`
		Outcome   string    `json:"outcome"`
	} `json:"tries"`
}

type crashList struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Summary struct {
		Total, Done, Failed int
	} `json:"summary"`
	Jobs []crashJob `json:"jobs"`
}

func getCrashList(t *testing.T, base, id, query string) crashList {
	t.Helper()
	body, code := request(t, "GET", base+"/api/batches/"+id+"?jobs_limit=1000"+query, "")
	if code != http.StatusOK {
		t.Fatalf("GET list %s: %d %s", id, code, body)
	}
	var l crashList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatalf("list %s: %v", id, err)
	}
	return l
}

func submitList(t *testing.T, base string, inputs []int) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"kind": "sleep", "inputs": inputs})
	body, code := request(t, "POST", base+"/api/batches", string(b))
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	var l crashList
	json.Unmarshal([]byte(body), &l)
	return l.ID
}

func runOfPool(t *testing.T, base string) string {
	t.Helper()
	body, _ := request(t, "GET", base+"/api/pool", "")
	var p struct {
		Run string `json:"run"`
	}
	json.Unmarshal([]byte(body), &p)
	return p.Run
}

// TestPrimaryKilledTenTimesEveryJobEndsOnce is the store's acceptance test: a
// 300-job list runs on a primary that is SIGKILLed at 10 random moments (a number
// of jobs done after each start), with a worker SIGKILLed in every run, and started
// again on the same -data each time. In the end every job is done or failed once,
// its tries match its attempts, a job never runs again after it ended, and no list
// or job id is used twice; every run has a new run id.
func TestPrimaryKilledTenTimesEveryJobEndsOnce(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	dir := t.TempDir()
	args := []string{"-workers", "2", "-data", dir, "-max-attempts", "20"}
	inputs := make([]int, 300)
	for i := range inputs {
		// 100–299 ms each, about 30 s of work on 2 workers: a round (restart, a
		// few polls, 3–14 jobs) takes far fewer than 300/10 jobs even on a loaded
		// machine. With 10–49 ms jobs the list once ended before the tenth kill.
		inputs[i] = 100 + rnd.IntN(200)
	}
	p, base := serveBin(t, storeEnv, args...)
	big := submitList(t, base, inputs)
	runs, lists := map[string]bool{runOfPool(t, base): true}, []string{big}
	for kill := range 10 {
		lists = append(lists, submitList(t, base, []int{1}))
		killBusyWorker(t, base)
		waitDone(t, base, big, getCrashList(t, base, big, "").Summary.Done+3+rnd.IntN(12))
		pids := pidsOf(getPool(t, base))
		p.signal(t, syscall.SIGKILL)
		p.wait(t, time.Minute)
		waitGone(t, pids, time.Minute)
		p, base = serveBin(t, storeEnv, args...)
		run := runOfPool(t, base)
		if runs[run] {
			t.Fatalf("restart %d: run id %s again", kill+1, run)
		}
		runs[run] = true
	}
	final := getCrashList(t, base, big, "&wait=120s")
	checkEveryJobOnce(t, final)
	checkNoIDReused(t, base, lists)
}

// killBusyWorker SIGKILLs one worker running a job, once one is.
func killBusyWorker(t *testing.T, base string) {
	t.Helper()
	pl := waitPool(t, base, "a busy worker", func(p pool) bool {
		for _, w := range p.Workers {
			if w.State == "busy" {
				return true
			}
		}
		return false
	})
	for _, w := range pl.Workers {
		if w.State == "busy" {
			request(t, "POST", fmt.Sprintf("%s/api/workers/%d/kill", base, w.ID), `{"signal":"SIGKILL"}`)
			return
		}
	}
}

// waitDone polls until the list has n jobs done, or it ended.
func waitDone(t *testing.T, base, id string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l := getCrashList(t, base, id, "&jobs_limit=0")
		if l.Summary.Done >= n || l.State != "running" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("list %s: %d done, waited for %d", id, l.Summary.Done, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func checkEveryJobOnce(t *testing.T, l crashList) {
	t.Helper()
	if l.State != "done" || len(l.Jobs) != 300 || l.Summary.Done+l.Summary.Failed != 300 {
		t.Fatalf("list %s: state %s, %d jobs, summary %+v", l.ID, l.State, len(l.Jobs), l.Summary)
	}
	lost := map[string]int{}
	for _, j := range l.Jobs {
		if j.State != "done" && j.State != "failed" || j.Attempts != len(j.Tries) || j.Attempts == 0 {
			t.Fatalf("job %d: state %s, attempts %d, tries %+v", j.ID, j.State, j.Attempts, j.Tries)
		}
		for i, tr := range j.Tries {
			last := i == len(j.Tries)-1
			if last && tr.Outcome != j.State && !(j.State == "failed" && tr.Outcome != "done") ||
				!last && (tr.Outcome == "done" || tr.Outcome == "running") {
				t.Fatalf("job %d (%s): try %d of %d is %s: %+v", j.ID, j.State, i+1, len(j.Tries), tr.Outcome, j.Tries)
			}
			if i > 0 && tr.StartedAt.Before(j.Tries[i-1].StartedAt) {
				t.Fatalf("job %d: tries out of order: %+v", j.ID, j.Tries)
			}
			if !last {
				lost[tr.Outcome]++
			}
		}
	}
	t.Logf("%d done, %d failed; lost attempts by outcome: %v", l.Summary.Done, l.Summary.Failed, lost)
	if lost["primary_lost"] == 0 || lost["killed"] == 0 {
		t.Fatalf("no primary_lost or no killed attempt recorded: %v", lost)
	}
}

// checkNoIDReused reads every list the runs created: each id once, each job id once.
func checkNoIDReused(t *testing.T, base string, ids []string) {
	t.Helper()
	seen, jobs := map[string]bool{}, map[int64]string{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("list id %s used twice", id)
		}
		seen[id] = true
		for _, j := range getCrashList(t, base, id, "").Jobs {
			if other, ok := jobs[j.ID]; ok {
				t.Fatalf("job id %d in %s and %s", j.ID, other, id)
			}
			jobs[j.ID] = id
		}
	}
}
