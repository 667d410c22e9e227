#!/usr/bin/env python3
"""A gocluster worker in Python, speaking the documented wire protocol.

The primary starts it with the IPC socket on the descriptor named by
GOCLUSTER_IPC_FD (3) and its id in GOCLUSTER_WORKER_ID. Frames are JSON objects,
one per line. It says hello, then answers "job" frames with "result" frames, echoes
"msg" frames, and leaves on "disconnect" (or when the socket closes).
"""
import json
import os
import socket
import sys
import time


def fib(n):
    return 0 if n == 0 else (fib(n - 1) + fib(n - 2) if n > 1 else 1)


KINDS = {"fib": fib, "sleep": lambda ms: (time.sleep(ms / 1000), ms)[1]}


def main():
    sock = socket.socket(fileno=int(os.environ.get("GOCLUSTER_IPC_FD", "3")))
    out = sock.makefile("w", encoding="utf-8", newline="\n")
    inp = sock.makefile("r", encoding="utf-8", newline="\n")

    def send(frame):
        out.write(json.dumps(frame, separators=(",", ":")) + "\n")
        out.flush()

    send({"t": "hello", "v": 1, "id": int(os.environ["GOCLUSTER_WORKER_ID"]), "pid": os.getpid()})
    for line in inp:
        frame = json.loads(line)
        kind = frame.get("t")
        if kind == "job":
            start = time.monotonic()
            run = KINDS.get(frame["kind"])
            result = {"t": "result", "job": frame["job"]}
            if run is None:
                result["err"] = "python worker has no kind " + frame["kind"]
            else:
                result["out"] = run(frame.get("in", 0))
            result["ms"] = (time.monotonic() - start) * 1000
            send(result)
        elif kind == "msg":
            send({"t": "msg", "d": {"python": True, "echo": frame.get("d")}})
        elif kind == "disconnect":
            break
        elif kind == "exit":
            sys.exit(frame.get("code", 1))
    sock.close()


if __name__ == "__main__":
    main()
