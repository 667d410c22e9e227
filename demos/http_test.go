package demos_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

var (
	reShare   = regexp.MustCompile(`share one socket: http://([^/]+)/$`)
	reNumReqs = regexp.MustCompile(`^numReqs = (\d+) \(worker \d+: (\d+), worker \d+: (\d+)\)`)
)

// drive sends n requests to addr from 8 clients, a new connection each, so the
// kernel spreads them over the workers accepting on the shared socket.
func drive(t *testing.T, addr string, n int) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < n; i += 8 {
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
}

// TestHTTPCountsEveryRequest runs the request counter until canceled (its normal
// end) and checks that numReqs counted every request and both workers served some.
func TestHTTPCountsEveryRequest(t *testing.T) {
	var out output
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- demos.HTTP(ctx, &out, demos.HTTPOptions{Workers: 2, Addr: "127.0.0.1:0", Interval: 50 * time.Millisecond})
	}()
	addr := reShare.FindStringSubmatch(out.waitLine(t, "the address", reShare.MatchString))[1]
	if count(out.lines(), "for i in $(seq 100); do curl -s http://"+addr+"/ >/dev/null; done") != 1 {
		t.Errorf("no load command to copy:\n%s", &out)
	}
	drive(t, addr, 200)
	out.waitLine(t, "numReqs = 200", func(l string) bool { return strings.HasPrefix(l, "numReqs = 200 ") })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("HTTP: %v\n%s", err, &out)
	}
	lines := out.lines()
	last := lines[len(lines)-1]
	m := reNumReqs.FindStringSubmatch(last)
	if m == nil || m[1] != "200" || !strings.Contains(last, "final") {
		t.Fatalf("last line %q, want the final numReqs = 200", last)
	}
	a, _ := strconv.Atoi(m[2])
	b, _ := strconv.Atoi(m[3])
	if a == 0 || b == 0 || a+b != 200 {
		t.Errorf("split %d + %d: want both workers serving, 200 in all", a, b)
	}
	if count(lines, "is listening on "+addr) != 2 {
		t.Errorf("want two listening lines for %s:\n%s", addr, &out)
	}
}

// TestHTTPStopsAfterDuration ends by itself and leaves no worker behind.
func TestHTTPStopsAfterDuration(t *testing.T) {
	var out output
	ctx := ctxT(t)
	err := demos.HTTP(ctx, &out, demos.HTTPOptions{Workers: 1, Addr: "127.0.0.1:0", Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	// HTTP ends quietly when ctx does too: it ended by itself if ctx is still live.
	if ctx.Err() != nil {
		t.Errorf("the demo ran until the test's deadline: %v", ctx.Err())
	}
	if !strings.Contains(out.String(), "numReqs = 0 (worker 1: 0) (final") {
		t.Errorf("no final count:\n%s", &out)
	}
}

func TestHTTPRejectsBadOptions(t *testing.T) {
	for _, opts := range []demos.HTTPOptions{
		{Workers: 1, Addr: "no-port"},
		{Workers: 1, Duration: -time.Second},
		{Workers: 1, Interval: time.Millisecond},
		{Workers: -3},
	} {
		if err := demos.HTTP(ctxT(t), io.Discard, opts); !errors.Is(err, cluster.ErrInvalid) {
			t.Errorf("HTTP(%+v) = %v, want ErrInvalid", opts, err)
		}
	}
}

func TestHTTPPortInUse(t *testing.T) {
	var out output
	first, cancel := context.WithCancel(ctxT(t))
	done := make(chan error, 1)
	go func() { done <- demos.HTTP(first, &out, demos.HTTPOptions{Workers: 1, Addr: "127.0.0.1:0"}) }()
	addr := reShare.FindStringSubmatch(out.waitLine(t, "the address", reShare.MatchString))[1]
	err := demos.HTTP(ctxT(t), io.Discard, demos.HTTPOptions{Workers: 1, Addr: addr})
	cancel()
	<-done
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("second demo on %s: %v, want address already in use", addr, err)
	}
}
