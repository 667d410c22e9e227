package server

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestWSClosesAClientThatDoesNotAnswerPings: a client that reads the stream but
// never answers a ping (a raw TCP upgrade, with no WebSocket library to send the
// pong) is closed once a ping goes unanswered for the write timeout. A real client,
// whose library answers pings while it reads, stays connected through the same
// pings and keeps getting events. The hub's ping interval and write timeout are
// shortened for this hub only.
func TestWSClosesAClientThatDoesNotAnswerPings(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	tm := defaultHubTimings()
	// 5 s: the healthy client, busy or not, answers well within it; the silent one
	// never does.
	tm.pingInterval, tm.writeTimeout = 50*time.Millisecond, 5*time.Second
	s, base := newHubServer(t, c, Config{}, tm, nil)

	healthy := dialWS(t, base, "", nil)
	snap := readSnapshot(t, healthy)
	msgs := make(chan wsMsg, 64)
	readErr := make(chan error, 1)
	go func() { // reading all the time, as a browser does, answers every ping
		for {
			m, err := tryReadWS(healthy, time.Minute)
			if err != nil {
				readErr <- err
				close(msgs)
				return
			}
			msgs <- m
		}
	}()
	defer func() { healthy.CloseNow(); <-readErr }()

	frames, err := readUntilClosed(t, strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatalf("silent client: %v (frames %v)", err, frames)
	}
	if frames[0x9] == 0 || frames[0x1] == 0 {
		t.Fatalf("silent client closed after frames %v: want the snapshot and at least one ping first", frames)
	}
	if frames[0x8] != 0 {
		t.Fatalf("silent client got a close frame (frames %v): a dropped peer gets none", frames)
	}
	waitFor(t, "the hub to count the silent client dropped", func() bool { return s.hub.drops.Load() == 1 })

	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	for m := range msgs {
		if m.Type != "snapshot" && m.Seq > snap.Seq {
			return // the answering client is still served
		}
	}
	t.Fatalf("the client that answers pings was closed: %v", <-readErr)
}

// readUntilClosed upgrades a raw TCP connection to /ws and reads frames, never
// writing anything, until the server closes it. It returns how many frames of each
// opcode came; err is nil only when the connection ended with EOF (or a reset)
// within a generous deadline.
func readUntilClosed(t *testing.T, addr string) (map[byte]int, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", addr)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %s", resp.Status)
	}
	frames := map[byte]int{}
	for {
		op, err := skipFrame(br)
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), isReset(err):
			return frames, nil
		case err != nil:
			return frames, err
		}
		frames[op]++
	}
}

// skipFrame reads one unmasked server frame and returns its opcode.
func skipFrame(r *bufio.Reader) (byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, err
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	_, err := io.CopyN(io.Discard, r, int64(n))
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return hdr[0] & 0x0f, err
}

// isReset reports a connection reset by the peer, which is how a socket closed
// with unread data may end.
func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(op.Err.Error(), "connection reset")
}
