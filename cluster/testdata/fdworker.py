#!/usr/bin/env python3
"""A gocluster worker in Python that receives passed descriptors.

Frames with "fds":n carry n descriptors as SCM_RIGHTS data on the frame's first
byte, so the worker reads with recvmsg and queues every descriptor it gets; a
frame's descriptors are at the head of the queue once its whole line is read.
A "file" handle is read and its text sent back; a "conn" handle is greeted and
closed.
"""
import array
import collections
import json
import os
import socket


def frames(sock, fds):
    """Yields frames, queueing the descriptors that come with the bytes."""
    buf = b""
    space = socket.CMSG_SPACE(4 * array.array("i").itemsize)
    while True:
        data, ancdata, _flags, _addr = sock.recvmsg(65536, space)
        for level, kind, cdata in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                got = array.array("i")
                got.frombytes(cdata[: len(cdata) - len(cdata) % got.itemsize])
                fds.extend(got)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)


def main():
    sock = socket.socket(fileno=int(os.environ.get("GOCLUSTER_IPC_FD", "3")))

    def send(frame):
        sock.sendall((json.dumps(frame, separators=(",", ":")) + "\n").encode())

    send({"t": "hello", "v": 1, "id": int(os.environ["GOCLUSTER_WORKER_ID"]), "pid": os.getpid()})
    fds = collections.deque()
    for frame in frames(sock, fds):
        passed = [fds.popleft() for _ in range(frame.get("fds", 0))]
        kind = frame.get("t")
        if kind == "msg" and frame.get("h") == "file":
            with os.fdopen(passed[0], "rb") as f:
                send({"t": "msg", "d": {"python": True, "read": f.read().decode()}})
        elif kind == "msg" and frame.get("h") == "conn":
            conn = socket.socket(fileno=passed[0])
            conn.sendall(b"hello from python\n")
            conn.close()
            send({"t": "msg", "d": {"python": True, "greeted": frame.get("d")}})
        elif kind == "disconnect":
            break
        else:
            for fd in passed:
                os.close(fd)
    sock.close()


if __name__ == "__main__":
    main()
