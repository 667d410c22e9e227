package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeChecksHost: the real binary serves loopback names (at any port: a
// forwarded port sends its own) and the -allowed-hosts names
// (GOCLUSTER_ALLOWED_HOSTS), and answers any other Host 421 (DNS rebinding). With
// -addr 127.0.0.1:0 the real port is known only after listen; serve passes it on,
// for the 421's message.
func TestServeChecksHost(t *testing.T) {
	p, base := serveBin(t, []string{"GOCLUSTER_ALLOWED_HOSTS=panel.example, other.example:8443"}, "-workers", "0")
	addr := strings.TrimPrefix(base, "http://")
	_, port, _ := net.SplitHostPort(addr)
	for host, want := range map[string]int{
		"127.0.0.1:" + port: http.StatusOK, "localhost:" + port: http.StatusOK,
		"panel.example": http.StatusOK, "other.example:8443": http.StatusOK,
		"rebind.example:" + port: http.StatusMisdirectedRequest, "other.example": http.StatusMisdirectedRequest,
		"127.0.0.1:1": http.StatusOK,
	} {
		if got := hostStatus(t, addr, host); got != want {
			t.Errorf("GET /api/pool with Host %s: %d, want %d", host, got, want)
		}
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// hostStatus sends GET /api/pool with the given Host over a raw connection.
func hostStatus(t *testing.T, addr, host string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "GET /api/pool HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("Host %s: %v", host, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
