package cluster_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// balancedPool starts n http workers sharing one port in the given mode and
// returns the port's address once all of them listen.
func balancedPool(t *testing.T, mode cluster.Balance, n int) (*cluster.Cluster, string) {
	t.Helper()
	c := startPool(t, cluster.Options{Workers: n, Env: helperEnv("http"), Listen: "127.0.0.1:0",
		Balance: mode, QuietMessages: true})
	ev := watch(t, c)
	seen := map[int]bool{}
	var addr string
	for len(seen) < n {
		e := ev.next("listening", ofType(cluster.EventListening, 0))
		seen[e.Worker], addr = true, e.Addr
		if e.Mode != string(mode) {
			t.Fatalf("listening event mode %q, want %q", e.Mode, mode)
		}
	}
	return c, addr
}

// get makes one request on a new connection from the local IP from ("" for any)
// and says which worker answered.
func get(t *testing.T, addr, from string) string {
	t.Helper()
	d := &net.Dialer{Timeout: time.Minute}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("request from %s: %v", from, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(b))
}

// TestRoundRobinSplitsEvenly: the primary hands connections out in turn, so 400
// connections over 2 workers split 200/200 however loaded the machine is (the
// kernel's accept gave 218/182 and worse); ±2 allows for nothing but noise.
func TestRoundRobinSplitsEvenly(t *testing.T) {
	_, addr := balancedPool(t, cluster.BalanceRR, 2)
	served := map[string]int{}
	for i := 0; i < 400; i++ {
		served[get(t, addr, "")]++
	}
	if len(served) != 2 {
		t.Fatalf("served by %v", served)
	}
	for w, n := range served {
		if n < 198 || n > 202 {
			t.Fatalf("%s served %d of 400: %v", w, n, served)
		}
	}
}

// TestStickyKeepsAClientOnOneWorker: 100 connections from ten loopback addresses;
// each address is always served by the same worker, and the clients spread over
// both workers. When a worker dies, its clients move to a live one and stay there.
func TestStickyKeepsAClientOnOneWorker(t *testing.T) {
	c, addr := balancedPool(t, cluster.BalanceSticky, 2)
	byIP := stickyRound(t, addr, nil)
	workers := map[string]bool{}
	for _, w := range byIP {
		workers[w] = true
	}
	if len(workers) != 2 {
		t.Fatalf("ten clients all went to %v", workers)
	}
	victim := c.Workers()[0]
	w, _ := c.Worker(victim.ID)
	ev := watch(t, c)
	w.Kill(syscall.SIGKILL)
	ev.next("exit", ofType(cluster.EventExit, victim.ID))
	after := stickyRound(t, addr, nil)
	for ip, w := range after {
		if w == fmt.Sprintf("hello from worker %d", victim.ID) {
			t.Fatalf("%s still sent to the dead worker", ip)
		}
		if byIP[ip] != fmt.Sprintf("hello from worker %d", victim.ID) && byIP[ip] != w {
			t.Fatalf("%s moved from %s to %s though its worker lives", ip, byIP[ip], w)
		}
	}
}

// stickyRound makes 100 connections, ten from each of 127.0.0.1..10, and checks
// each address kept one worker; it returns the worker of each address.
func stickyRound(t *testing.T, addr string, _ []string) map[string]string {
	t.Helper()
	byIP := map[string]string{}
	for i := 0; i < 100; i++ {
		ip := fmt.Sprintf("127.0.0.%d", i%10+1)
		w := get(t, addr, ip)
		if prev, ok := byIP[ip]; ok && prev != w {
			t.Fatalf("client %s went to %s, then to %s", ip, prev, w)
		}
		byIP[ip] = w
	}
	return byIP
}

// TestWorkerDiesMidConnection, in each mode: a client holds a keep-alive
// connection to a worker that is then killed. The connection ends (it does not
// hang), and once the exit is seen every new connection is served.
func TestWorkerDiesMidConnection(t *testing.T) {
	for _, mode := range []cluster.Balance{cluster.BalanceOS, cluster.BalanceRR, cluster.BalanceSticky} {
		t.Run(string(mode), func(t *testing.T) {
			c, addr := balancedPool(t, mode, 2)
			conn, err := net.DialTimeout("tcp", addr, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(time.Minute))
			br := bufio.NewReader(conn)
			fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			var id int
			fmt.Sscanf(string(b), "hello from worker %d", &id)
			w, err := c.Worker(id)
			if err != nil {
				t.Fatalf("worker of %q: %v", b, err)
			}
			ev := watch(t, c)
			w.Kill(syscall.SIGKILL)
			if _, err := br.ReadByte(); err == nil {
				t.Fatal("the dead worker's connection still gave bytes")
			} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the dead worker's connection hung")
			}
			ev.next("exit", ofType(cluster.EventExit, id))
			for i := 0; i < 50; i++ {
				if got := get(t, addr, ""); got == string(b) {
					t.Fatalf("request %d served by the dead worker", i)
				}
			}
		})
	}
}
