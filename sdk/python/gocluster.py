"""gocluster worker SDK for Python: serve your own job kinds to a gocluster pool.

One file, standard library only, Python 3.9+. Copy it beside your worker, or put
sdk/python on PYTHONPATH::

    import gocluster

    @gocluster.job("wordcount", doc="counts words in a string", example="to be or not")
    def wordcount(text):
        return len(text.split())

    gocluster.run()

and serve it with ``gocluster serve -exec 'python3 worker.py'``. A job function
takes the job's input (any JSON value, already decoded) and returns its result
(anything json.dumps accepts). An exception fails the job with the exception's
message; ``err_data`` says its type (raise JobError to choose err_data yourself).

The wire protocol is docs/protocol.md (version 2). In short: frames are JSON
lines on the Unix socket at fd GOCLUSTER_IPC_FD (3); the worker says hello with
its kinds, answers each job frame with one result frame in order, and leaves on
a disconnect frame after finishing the job it is running.

Jobs run one at a time on the thread that called run(); message handlers
(on_message) run on that thread too, between jobs. A reader thread only reads
frames, so a disconnect is seen while a job runs: that job finishes and its
result is sent, jobs received behind it are left for the primary to requeue, and
the process exits 0 (asked while idle, it first runs the job the primary already
counts as running, if one is on its way).
"""

import json
import os
import queue
import re
import socket
import sys
import threading
import time
import traceback

__all__ = ["job", "send", "on_message", "run", "JobError", "Worker", "FrameTooLarge"]

PROTOCOL_VERSION = 2
DEFAULT_MAX_FRAME = 1 << 20
DEFAULT_MAX_JOB_BYTES = 64 << 10
MAX_FDS_PER_FRAME = 4
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_DOC_MAX = 200
_NO_EXAMPLE = object()  # job() without example=: the hello omits it (None is JSON null)


class JobError(Exception):
    """Raise JobError(message, data) in a job to fail it with err_data=data."""

    def __init__(self, message, data=None):
        super().__init__(message)
        self.data = data


class FrameTooLarge(ValueError):
    """A frame over GOCLUSTER_MAX_FRAME: it was not sent, the channel is intact."""


def _encode(value):
    # allow_nan=False: NaN and Infinity are not JSON, the primary would refuse
    # the frame and kill the worker. Compact separators keep frames small.
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _env_int(env, name, default):
    raw = env.get(name, "")
    try:
        n = int(raw)
    except ValueError:
        return default
    return n if n > 0 else default


class Worker:
    """A worker's kinds and message handlers; the module functions use one."""

    def __init__(self):
        self._kinds = {}  # name -> (fn, doc, example, has_example)
        self._handlers = []
        self._out = None
        self._lock = threading.Lock()
        self._max_frame = DEFAULT_MAX_FRAME
        self._max_job = DEFAULT_MAX_JOB_BYTES

    def job(self, name, doc="", example=_NO_EXAMPLE):
        """Decorator: serve fn as the job kind name (see the module doc)."""
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError("job name %r must match %s" % (name, _NAME.pattern))
        if name in self._kinds:
            raise ValueError("job %r is declared twice" % name)
        if not isinstance(doc, str) or len(doc) > _DOC_MAX or "\n" in doc or "\r" in doc:
            raise ValueError("job %r: doc must be one line of at most %d characters" % (name, _DOC_MAX))
        has_example = example is not _NO_EXAMPLE
        if has_example:
            _encode(example)  # refuse an example that is not JSON now, not at hello

        def register(fn):
            self._kinds[name] = (fn, doc, example, has_example)
            return fn

        return register

    def on_message(self, fn):
        """Call fn(data) for every msg frame from the primary (Node's process.on('message'))."""
        self._handlers.append(fn)
        return fn

    def send(self, data):
        """Send data (any JSON value) to the primary as a msg frame (Node's process.send).

        Raises FrameTooLarge, sending nothing, if the frame passes GOCLUSTER_MAX_FRAME,
        and RuntimeError before run() connected.
        """
        self._write({"t": "msg", "d": data})

    def run(self, env=None):
        """Say hello, then serve jobs and messages until the primary says disconnect.

        Returns only by exiting the process: 0 after a disconnect or when the primary
        is gone, the code of an exit frame, 70 on a broken channel.
        """
        env = os.environ if env is None else env
        sys.exit(self._serve(env))

    # --- the loop ---

    def _serve(self, env):
        if "GOCLUSTER_WORKER_ID" not in env:
            sys.stderr.write("gocluster: GOCLUSTER_WORKER_ID is not set; start this program "
                             "with: gocluster serve -exec 'python3 %s'\n" % sys.argv[0])
            return 2
        worker_id = int(env["GOCLUSTER_WORKER_ID"])
        fd = _env_int(env, "GOCLUSTER_IPC_FD", 3)
        self._max_frame = _env_int(env, "GOCLUSTER_MAX_FRAME", DEFAULT_MAX_FRAME)
        self._max_job = _env_int(env, "GOCLUSTER_MAX_JOB_BYTES", DEFAULT_MAX_JOB_BYTES)
        sock = socket.socket(fileno=fd)
        self._out = sock
        inbox = queue.Queue()
        leaving = threading.Event()
        reader = threading.Thread(target=_read_frames, args=(sock, self._max_frame, inbox, leaving),
                                  name="gocluster-reader", daemon=True)
        self._write(self._hello(worker_id))
        reader.start()
        return self._loop(inbox, leaving)

    def _hello(self, worker_id):
        kinds = []
        for name, (_, doc, example, has_example) in self._kinds.items():
            k = {"name": name, "doc": doc}
            if has_example:
                k["example"] = example
            kinds.append(k)
        return {"t": "hello", "v": PROTOCOL_VERSION, "id": worker_id, "pid": os.getpid(), "kinds": kinds}

    def _loop(self, inbox, leaving):
        try:
            return self._serve_frames(inbox, leaving)
        except OSError as e:  # the channel broke under a write: the primary is gone
            sys.stderr.write("gocluster: write the IPC channel: %s\n" % e)
            return 70

    def _serve_frames(self, inbox, leaving):
        while True:
            f = inbox.get()
            t = f.get("t")
            if t == "job":
                # The job the primary counts as running is always run, even when the
                # disconnect came before we took it up; after it we leave, and the
                # jobs prefetched behind it go back to the primary's queue.
                self._run_job(f)
                if leaving.is_set():
                    self._close()
                    return 0
            elif t == "msg":
                for fn in self._handlers:
                    self._call_handler(fn, f.get("d"))
            elif t in ("disconnect", "eof"):
                self._close()
                return 0
            elif t == "broken":
                sys.stderr.write("gocluster: %s\n" % f["err"])
                self._close()
                return 70
            # other frames (server, conn) are for workers that share sockets

    def _call_handler(self, fn, data):
        try:
            fn(data)
        except Exception:  # a bad handler must not take the jobs down with it
            traceback.print_exc()

    def _run_job(self, f):
        start = time.monotonic()
        res = {"t": "result", "job": f.get("job")}
        kind = self._kinds.get(f.get("kind"))
        if f.get("unreadable"):
            res["err"] = f["unreadable"]
            res["err_data"] = {"type": "RecursionError"}
        elif kind is None:
            res["err"] = "this worker has no job kind %r (it serves %s)" % (
                f.get("kind"), ", ".join(sorted(self._kinds)) or "none")
        else:
            try:
                res["out"] = kind[0](f.get("in"))
            except JobError as e:
                res["err"] = str(e) or "JobError"
                if e.data is not None:
                    res["err_data"] = e.data
            except Exception as e:
                res["err"] = str(e) or type(e).__name__
                res["err_data"] = {"type": type(e).__name__}
        res["ms"] = round((time.monotonic() - start) * 1000, 3)
        self._write_result(res)

    def _write_result(self, res):
        """Send a result, or the failed result that says why it could not be sent."""
        if "out" in res:
            try:
                size = len(_encode(res["out"]).encode("utf-8"))
            except (TypeError, ValueError) as e:
                res = _failed(res, "result is not JSON: %s" % e, "TypeError")
            else:
                if size > self._max_job:
                    res = _failed(res, "result too large: %d bytes, limit %d" % (size, self._max_job), "ResultTooLarge")
        try:
            self._write(res)
        except FrameTooLarge as e:
            self._write(_failed(res, str(e), "FrameTooLarge"))
        except (TypeError, ValueError) as e:  # err_data that is not JSON
            res.pop("err_data", None)
            res["err"] = "%s (err_data is not JSON: %s)" % (res.get("err"), e)
            self._write(res)

    def _write(self, frame):
        if self._out is None:
            raise RuntimeError("gocluster: not connected; call run() first")
        line = (_encode(frame) + "\n").encode("utf-8")
        if len(line) > self._max_frame:
            raise FrameTooLarge("frame too large: %d bytes, limit %d" % (len(line), self._max_frame))
        with self._lock:
            self._out.sendall(line)

    def _close(self):
        with self._lock:
            try:
                self._out.close()
            except OSError:
                pass
        _flush_std()


def _failed(res, message, typ):
    out = {"t": "result", "job": res.get("job"), "err": message, "err_data": {"type": typ}}
    if "ms" in res:
        out["ms"] = res["ms"]
    return out


def _flush_std():
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass


# The primary writes job frames as {"t":"job","job":N,...}.
_JOB_START = re.compile(rb'^\{"t":"job","job":(\d+),')


def _read_frames(sock, max_frame, inbox, leaving):
    """Read JSON lines from the primary into inbox; runs on its own thread.

    It reads with recvmsg so descriptors that come with server/conn/msg frames
    (SCM_RIGHTS) are received and closed, never left open.
    """
    buf = b""
    oob_size = socket.CMSG_SPACE(MAX_FDS_PER_FRAME * 4)
    while True:
        try:
            data, anc, _, _ = sock.recvmsg(65536, oob_size)
        except OSError as e:
            leaving.set()
            inbox.put({"t": "broken", "err": "read the IPC channel: %s" % e})
            return
        _close_fds(anc)
        if not data:
            leaving.set()
            inbox.put({"t": "eof"})
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                f = json.loads(line)
            except RecursionError:
                # Valid JSON nested deeper than Python's parser goes: fail that job,
                # keep the worker (the frame's start names the job).
                m = _JOB_START.match(line)
                if m:
                    inbox.put({"t": "job", "job": int(m.group(1)), "kind": None,
                               "unreadable": "input nested too deeply for Python's json module"})
                    continue
                leaving.set()
                inbox.put({"t": "broken", "err": "bad frame from the primary: nested too deeply"})
                return
            except ValueError as e:
                leaving.set()
                inbox.put({"t": "broken", "err": "bad frame from the primary: %s" % e})
                return
            if f.get("t") == "exit":  # now, even mid-job: the panel's crash button
                _flush_std()
                os._exit(_exit_code(f.get("code", 1)))
            if f.get("t") == "disconnect":
                leaving.set()
            inbox.put(f)
        if len(buf) > max_frame:
            leaving.set()
            inbox.put({"t": "broken", "err": "frame from the primary over %d bytes" % max_frame})
            return


def _exit_code(code):
    return code if isinstance(code, int) and 0 <= code <= 255 else 1


def _close_fds(ancillary):
    for level, typ, data in ancillary:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            n = len(data) - len(data) % 4
            for i in range(0, n, 4):
                try:
                    os.close(int.from_bytes(data[i:i + 4], sys.byteorder, signed=True))
                except OSError:
                    pass


_default = Worker()
job = _default.job
send = _default.send
on_message = _default.on_message
run = _default.run
