package cluster

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// Descriptors travel over the IPC socket with SCM_RIGHTS. A frame that carries n of
// them says so ("fds":n) and is written with one sendmsg whose ancillary data holds
// them, so they are attached to the frame's first byte. On a Unix stream socket the
// kernel delivers them with the read that returns that byte, never later, and never
// merges two senders' descriptors into one read: a reader that queues every
// descriptor it receives, in order, finds a frame's n descriptors at the head of the
// queue by the time it has the whole line.

// maxFDsPerFrame bounds the descriptors one frame may carry (Node passes one handle
// per message); the reader's control buffer is sized for it.
const maxFDsPerFrame = 4

// ErrNoDescriptors means a frame announced descriptors that did not come with it.
var ErrNoDescriptors = errors.New("frame announced descriptors that did not arrive")

// fdReader reads the IPC stream with recvmsg and keeps the descriptors that come
// with it in arrival order. Only its reading goroutine uses it.
type fdReader struct {
	conn      *net.UnixConn
	raw       syscall.RawConn // nil: read with ReadMsgUnix
	oob       []byte
	fds       []int
	truncated bool // the kernel dropped descriptors: every later claim fails
}

func newFDReader(conn *net.UnixConn) *fdReader {
	r := &fdReader{conn: conn, oob: make([]byte, syscall.CmsgSpace(4*maxFDsPerFrame))}
	r.raw, _ = conn.SyscallConn()
	return r
}

func (r *fdReader) Read(p []byte) (int, error) {
	var n, oobn, flags int
	var err error
	if r.raw != nil {
		n, oobn, flags, err = recvmsgRaw(r.raw, p, r.oob)
	} else {
		n, oobn, flags, _, err = r.conn.ReadMsgUnix(p, r.oob)
	}
	if oobn > 0 {
		r.keep(r.oob[:oobn])
	}
	if flags&syscall.MSG_CTRUNC != 0 {
		r.truncated = true
	}
	if n < 0 { // recvmsg's -1 on an error
		n = 0
	}
	if n == 0 && err == nil && len(p) > 0 {
		return 0, io.EOF // recvmsg reports the peer's close as an empty read
	}
	return n, err
}

// keep queues the descriptors of one control message.
func (r *fdReader) keep(oob []byte) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		r.truncated = true
		return
	}
	for _, m := range msgs {
		fds, err := syscall.ParseUnixRights(&m)
		if err == nil {
			r.fds = append(r.fds, fds...)
		}
	}
}

// take hands over the next n descriptors as files; the caller owns them.
func (r *fdReader) take(n int) ([]*os.File, error) {
	if n < 0 || n > maxFDsPerFrame || r.truncated || len(r.fds) < n {
		return nil, fmt.Errorf("%w: %w (%d announced, %d queued)", ErrProtocol, ErrNoDescriptors, n, len(r.fds))
	}
	files := make([]*os.File, n)
	for i, fd := range r.fds[:n] {
		files[i] = os.NewFile(uintptr(fd), "passed")
	}
	r.fds = r.fds[n:]
	return files, nil
}

// close closes descriptors nobody claimed: the reader ends with them.
func (r *fdReader) close() {
	for _, fd := range r.fds {
		syscall.Close(fd)
	}
	r.fds = nil
}

// closeFiles closes every file; for descriptors whose journey ended.
func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// dupFile duplicates the descriptor behind h (an *os.File, net.Conn or
// net.Listener), close-on-exec, so that passing it leaves the caller's own handle
// open. kind says how the receiver should wrap it: "file", "conn" or "listener".
func dupFile(h any) (f *os.File, kind string, err error) {
	var sc syscall.Conn
	switch v := h.(type) {
	case *os.File:
		sc, kind = v, handleFile
	case net.Listener:
		kind = handleListener
		sc, _ = v.(syscall.Conn)
	case net.Conn:
		kind = handleConn
		sc, _ = v.(syscall.Conn)
	}
	if sc == nil {
		return nil, "", fmt.Errorf("%w: cannot pass a %T: want an *os.File, net.Conn or net.Listener with a descriptor", ErrInvalid, h)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, "", fmt.Errorf("pass handle: %w", err)
	}
	var nfd int
	var derr error
	if err := rc.Control(func(fd uintptr) {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_DUPFD_CLOEXEC, 0)
		nfd = int(r)
		if e != 0 {
			derr = e
		}
	}); err != nil {
		return nil, "", fmt.Errorf("pass handle: %w", err)
	}
	if derr != nil {
		return nil, "", fmt.Errorf("pass handle: dup: %w", derr)
	}
	return os.NewFile(uintptr(nfd), "passed"), kind, nil
}

// Handle kinds in a frame's "h" field: how the receiver wraps a passed descriptor.
const (
	handleFile     = "file"
	handleConn     = "conn"
	handleListener = "listener"
)

// wrapHandle turns a received descriptor into the handle its kind names, taking
// ownership of f: an *os.File, a net.Conn or a net.Listener.
func wrapHandle(f *os.File, kind string) (any, error) {
	switch kind {
	case handleConn:
		defer f.Close()
		return net.FileConn(f)
	case handleListener:
		defer f.Close()
		return net.FileListener(f)
	}
	return f, nil
}
