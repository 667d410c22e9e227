package cluster

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// socketPair returns the two ends of a unix socketpair as *net.UnixConn, with a small
// send buffer on the first so writes fill it quickly.
func socketPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.SetsockoptInt(fds[0], syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096); err != nil {
		t.Fatal(err)
	}
	conns := make([]*net.UnixConn, 2)
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "pair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c.(*net.UnixConn)
		t.Cleanup(func() { c.Close() })
	}
	return conns[0], conns[1]
}

// readMessages reads n message frames from c and returns their payloads in order.
func readMessages(t *testing.T, c net.Conn, n int) []string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(time.Minute)) // lost bytes fail, not hang
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	out := make([]string, 0, n)
	for len(out) < n && sc.Scan() {
		var f frame
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("frame %d is not JSON (%v): %.80q", len(out), err, sc.Bytes())
		}
		var s string
		if err := json.Unmarshal(f.D, &s); err != nil {
			t.Fatalf("frame %d payload: %v", len(out), err)
		}
		out = append(out, s)
	}
	if len(out) != n {
		t.Fatalf("read %d frames, want %d (%v)", len(out), n, sc.Err())
	}
	return out
}

func msgFrame(t *testing.T, s string) *frame {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return &frame{T: frameMsg, D: b}
}

// Every frame is written through while nobody reads, so the socket fills: the write
// that would block, or that the socket takes only part of, must leave the rest to the
// writer goroutine, and the bytes must still arrive whole and in order.
func TestFrameWriterWriteThroughFullSocket(t *testing.T) {
	a, b := socketPair(t)
	fw := newFrameWriter(a, 0)
	defer fw.close()
	const n = 200
	pad := strings.Repeat("x", 3000)
	for i := 0; i < n; i++ {
		fw.mu.Lock()
		fw.last = time.Time{} // as if each frame came alone
		fw.mu.Unlock()
		if err := fw.send(msgFrame(t, fmt.Sprintf("%03d %s", i, pad))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	got := readMessages(t, b, n)
	for i, s := range got {
		if want := fmt.Sprintf("%03d", i); !strings.HasPrefix(s, want) || len(s) != 4+len(pad) {
			t.Fatalf("frame %d = %.10q… (%d bytes), want %s…", i, s, len(s), want)
		}
	}
}

// Concurrent senders, some writing through and some queueing, never interleave
// bytes and each one's frames keep their order.
func TestFrameWriterConcurrentSendersKeepOrder(t *testing.T) {
	a, b := socketPair(t)
	fw := newFrameWriter(a, 0)
	const senders, each = 4, 500
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := fw.send(msgFrame(t, fmt.Sprintf("%d %d %s", s, i, strings.Repeat("y", i%700)))); err != nil {
					t.Errorf("sender %d send %d: %v", s, i, err)
					return
				}
			}
		}()
	}
	got := readMessages(t, b, senders*each)
	wg.Wait()
	fw.close()
	next := make([]int, senders)
	for _, m := range got {
		var s, i int
		if _, err := fmt.Sscanf(m, "%d %d", &s, &i); err != nil {
			t.Fatalf("bad payload %.30q: %v", m, err)
		}
		if i != next[s] {
			t.Fatalf("sender %d: frame %d arrived when %d was due", s, i, next[s])
		}
		next[s]++
	}
}
