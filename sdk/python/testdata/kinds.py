#!/usr/bin/env python3
"""A worker with one kind per behaviour the SDK tests (and the Go end-to-end tests) check."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gocluster  # noqa: E402


@gocluster.job("echo", doc="returns its input", example={"any": ["json", 1, None]})
def echo(v):
    return v


@gocluster.job("raise", doc="raises ValueError with its input as the message")
def fail(v):
    raise ValueError(v)


@gocluster.job("joberror", doc="raises JobError with err_data")
def joberror(v):
    raise gocluster.JobError("bad input", {"input": v})


@gocluster.job("big", doc="returns a string of its input's length")
def big(n):
    return "x" * n


@gocluster.job("nan", doc="returns NaN, which is not JSON")
def nan(_):
    return float("nan")


@gocluster.job("sleep", doc="sleeps its input in ms, returns it", example=10)
def sleep(ms):
    time.sleep(ms / 1000)
    return ms


@gocluster.job("garbage", doc='returns its input; for "garbage" it first writes a line that is not JSON on the IPC fd')
def garbage(v):
    if v == "garbage":
        os.write(int(os.environ.get("GOCLUSTER_IPC_FD", "3")), b"this is not json\n")
    return v


@gocluster.on_message
def answer(d):
    gocluster.send({"echo": d, "pid": os.getpid()})


gocluster.run()
