package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	reReceive = regexp.MustCompile(`^\[worker (\d+)\] receive msg (\d+)$`)
	reFinish  = regexp.MustCompile(`^\[worker (\d+)\] finish work and using \d+ ms$`)
	reResult  = regexp.MustCompile(`^\[master\] receive message from \[worker (\d+)\]: (\d+)$`)
)

func fib(n int64) int64 {
	a, b := int64(0), int64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

// TestDemoFib runs more jobs than workers, the case where the Node original hangs,
// and checks every line of the lesson's shape, per worker and in order.
func TestDemoFib(t *testing.T) {
	out, code := runBin(t, nil, "demo", "fib", "-workers", "2", "20", "21", "22", "23", "24")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "####====START====###" || strings.Count(out, "####====START====###\n") != 1 {
		t.Errorf("banner not printed exactly once, first:\n%s", out)
	}
	if strings.Count(out, "[master] : fork worker ") != 2 {
		t.Errorf("want 2 fork lines:\n%s", out)
	}
	received := map[string][]int64{} // per worker, inputs not yet answered
	finished := map[string]int{}
	answered := 0
	for _, l := range lines {
		switch m := match(l); {
		case m.re == reReceive:
			n, _ := strconv.ParseInt(m.sub[2], 10, 64)
			received[m.sub[1]] = append(received[m.sub[1]], n)
		case m.re == reFinish:
			finished[m.sub[1]]++
		case m.re == reResult:
			w := m.sub[1]
			if len(received[w]) == 0 || finished[w] == 0 {
				t.Fatalf("%q before worker %s received and finished a job:\n%s", l, w, out)
			}
			want := fib(received[w][0])
			received[w], finished[w] = received[w][1:], finished[w]-1
			if got, _ := strconv.ParseInt(m.sub[2], 10, 64); got != want {
				t.Errorf("%q: want %d", l, want)
			}
			answered++
		}
	}
	if answered != 5 || !strings.Contains(out, "[master] finish all work and using ") ||
		!strings.Contains(out, "Here 5 jobs ran on 2 workers and all finished") {
		t.Errorf("%d of 5 answered, or the ending is missing:\n%s", answered, out)
	}
}

// TestDemoWorkersFromEnvironment: GOCLUSTER_WORKERS sizes a demo's pool when
// -workers is not given, as it does serve's.
func TestDemoWorkersFromEnvironment(t *testing.T) {
	out, code := runBin(t, []string{"GOCLUSTER_WORKERS=1"}, "demo", "fib", "20", "21")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if n := strings.Count(out, "[master] : fork worker "); n != 1 {
		t.Errorf("%d fork lines with GOCLUSTER_WORKERS=1, want 1:\n%s", n, out)
	}
}

type matched struct {
	re  *regexp.Regexp
	sub []string
}

func match(l string) matched {
	for _, re := range []*regexp.Regexp{reReceive, reFinish, reResult} {
		if m := re.FindStringSubmatch(l); m != nil {
			return matched{re, m}
		}
	}
	return matched{}
}

var (
	reShare   = regexp.MustCompile(`share one socket: http://([^/\s]+)/\n`)
	reNumReqs = regexp.MustCompile(`numReqs = (\d+) \(worker \d+: (\d+), worker \d+: (\d+)\) \(final`)
	// reNumReqsTick is a periodic line (not the final one) that counted 200 requests.
	reNumReqsTick = regexp.MustCompile(`(?m)^numReqs = 200 \(worker \d+: \d+, worker \d+: \d+\)$`)
)

// TestDemoHTTP drives 200 requests, over new connections, at the port the primary
// shares and checks that numReqs counted all of them and both workers served some.
func TestDemoHTTP(t *testing.T) {
	// Ended by SIGINT once every request is answered: a -duration could end the demo
	// under the requests of a loaded machine (connection reset).
	p := startBin(t, nil, "demo", "http", "-workers", "2", "-addr", "127.0.0.1:0", "-duration", "5m")
	addr := p.out.waitMatch(t, reShare)[1]
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < 200; i += 8 {
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != "hello world\n" {
					t.Errorf("body %q", body)
				}
			}
		})
	}
	wg.Wait()
	// The primary prints numReqs every second: wait for a line that counted them all.
	p.out.waitMatch(t, reNumReqsTick)
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m := p.out.waitMatch(t, reNumReqs)
	a, _ := strconv.Atoi(m[2])
	b, _ := strconv.Atoi(m[3])
	if m[1] != "200" || a == 0 || b == 0 {
		t.Errorf("final count %s split %d/%d: want 200 with both workers serving", m[1], a, b)
	}
	if !strings.Contains(p.out.String(), "for i in $(seq 100); do curl -s http://"+addr+"/ >/dev/null; done") {
		t.Error("no load command to copy")
	}
}

// TestDemoHTTPQuiet: with -notify=false the workers still answer on the shared port
// but report nothing, and the demo says why numReqs stays 0.
func TestDemoHTTPQuiet(t *testing.T) {
	p := startBin(t, nil, "demo", "http", "-workers", "2", "-addr", "127.0.0.1:0", "-duration", "5m", "-notify=false")
	addr := p.out.waitMatch(t, reShare)[1]
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
	for range 20 {
		resp, err := client.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "hello world\n" {
			t.Errorf("body %q", body)
		}
	}
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if m := p.out.waitMatch(t, reNumReqs); m[1] != "0" {
		t.Errorf("final count %s, want 0: the workers were told not to report", m[1])
	}
	if n := strings.Count(p.out.String(), "\nnumReqs = "); n != 1 {
		t.Errorf("%d numReqs lines, want only the final one: every second's would say 0:\n%s", n, p.out.String())
	}
	if !strings.Contains(p.out.String(), "-notify=false: workers report no requests") {
		t.Errorf("the demo does not say why numReqs stays 0:\n%s", p.out.String())
	}
}

var reDied = regexp.MustCompile(`(?m)^worker \d+ died \((SIG[A-Z]+|\d+)\)\. restarting\.\.\.$`)

func TestDemoRestart(t *testing.T) {
	out, code := runBin(t, nil, "demo", "restart", "-workers", "2", "-duration", "5s")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	phase1, phase2, ok := strings.Cut(out, "[master] phase 2")
	if !ok || len(reDied.FindAllString(phase1, -1)) == 0 {
		t.Fatalf("no death in phase 1:\n%s", out)
	}
	if n := len(reDied.FindAllString(phase2, -1)); n != 6 {
		t.Errorf("%d crashes in phase 2, want 6:\n%s", n, out)
	}
	for _, want := range []string{"after a backoff of", "crash-loop guard (pool.degraded)"} {
		if !strings.Contains(phase2, want) {
			t.Errorf("phase 2 lacks %q", want)
		}
	}
}

// TestDemoFibNodeBehaviour replays the Node script's faults from the command line,
// in both spellings: START is printed by every process (the primary and each of the
// two workers), and with four jobs on two workers the primary stalls until
// -stall-timeout, explains the hang and the demo ends normally.
func TestDemoFibNodeBehaviour(t *testing.T) {
	for _, flag := range []string{"-node-behaviour", "-node-behavior"} {
		out, code := runBin(t, nil, "demo", "fib", flag, "-workers", "2", "-stall-timeout", "500ms", "20", "18", "18", "19")
		if code != 0 {
			t.Fatalf("%s: exit %d:\n%s", flag, code, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		banners := map[string]int{}
		for _, l := range lines {
			if who, ok := strings.CutSuffix(l, "####====START====###"); ok {
				banners[who]++
			}
		}
		want := map[string]int{"": 1, "[worker 1] ": 1, "[worker 2] ": 1}
		if len(banners) != len(want) || banners[""] != 1 || banners["[worker 1] "] != 1 || banners["[worker 2] "] != 1 {
			t.Errorf("%s: START lines %v, want one per process %v:\n%s", flag, banners, want, out)
		}
		for _, s := range []string{"waiting for the results of 18 19,", "[master] stalled: nothing came for 500ms",
			"Node would hang here forever", "lesson 2, the hang: 4 jobs, 2 workers"} {
			if !strings.Contains(out, s) {
				t.Errorf("%s: no %q in:\n%s", flag, s, out)
			}
		}
		if strings.Contains(out, "finish all work") {
			t.Errorf("%s: the stalled replay claims to have finished:\n%s", flag, out)
		}
	}
}

// TestDemoFibNodeFlagErrors: a stall timeout out of range is a usage error.
func TestDemoFibNodeFlagErrors(t *testing.T) {
	for _, v := range []string{"1ms", "11m", "soon"} {
		_, err := parseDemoFib([]string{"-node-behaviour", "-stall-timeout", v}, env())
		if _, usage := err.(*usageError); !usage || !strings.Contains(err.Error(), "stall-timeout") {
			t.Errorf("-stall-timeout %s: %v, want a usage error naming the flag", v, err)
		}
	}
	opts, err := parseDemoFib(nil, env("GOCLUSTER_NODE_BEHAVIOUR=1", "GOCLUSTER_STALL_TIMEOUT=2s"))
	if err != nil || !opts.NodeBehaviour || opts.Stall != 2*time.Second {
		t.Errorf("from the environment: %+v, %v", opts, err)
	}
}
