package cluster

import (
	"os"
	"syscall"
	"unsafe"
)

// recvmsgRaw is ReadMsgUnix without the runtime's system-call bookkeeping. The
// socket is non-blocking, so recvmsg never blocks: it returns data or EAGAIN, and
// then the goroutine waits in the poller as ReadMsgUnix's would. A blocking-call
// wrapper (syscall.Syscall) wakes the runtime's monitor thread each time it is
// entered while that thread sleeps, which is every time for a primary that wakes
// up for a batch of messages and goes idle again: under wrk that monitor thread
// took over a quarter of the primary's CPU (docs/performance.md).
func recvmsgRaw(rc syscall.RawConn, p, oob []byte) (n, oobn, flags int, err error) {
	var rerr error
	cerr := rc.Read(func(fd uintptr) bool {
		for {
			n, oobn, flags, rerr = recvmsgNow(int(fd), p, oob)
			if rerr != syscall.EINTR {
				return rerr != syscall.EAGAIN
			}
		}
	})
	if cerr != nil {
		return 0, 0, 0, cerr
	}
	if rerr != nil {
		return 0, 0, 0, os.NewSyscallError("recvmsg", rerr)
	}
	return n, oobn, flags, nil
}

// recvmsgNow is one recvmsg(2) into p and oob, descriptors close-on-exec as
// ReadMsgUnix receives them.
func recvmsgNow(fd int, p, oob []byte) (n, oobn, flags int, err error) {
	if len(p) == 0 { // bufio never asks for nothing; a read of 0 would look like EOF
		return 0, 0, 0, nil
	}
	var msg syscall.Msghdr
	iov := syscall.Iovec{Base: &p[0]}
	iov.SetLen(len(p))
	msg.Iov = &iov
	msg.Iovlen = 1
	if len(oob) > 0 {
		msg.Control = &oob[0]
		msg.SetControllen(len(oob))
	}
	r, _, e := syscall.RawSyscall(syscall.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), syscall.MSG_CMSG_CLOEXEC)
	if e != 0 {
		return 0, 0, 0, e
	}
	return int(r), int(msg.Controllen), int(msg.Flags), nil
}
