"""Tests of gocluster.py: real worker processes, driven over a real socketpair by a
small stand-in for the primary. Run: python3 -m unittest discover -s sdk/python"""
import json
import os
import socket
import subprocess
import sys
import unittest

import gocluster

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = os.path.join(HERE, "testdata", "kinds.py")
DEADLINE = 60  # seconds: generous, the machine may be loaded


class Primary:
    """The primary's end of one worker's IPC socket."""

    def __init__(self, script, env=None):
        self.sock, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(DEADLINE)
        e = {k: v for k, v in os.environ.items() if not k.startswith("GOCLUSTER_")}
        e.update({"GOCLUSTER_WORKER_ID": "7", "GOCLUSTER_IPC_FD": str(child.fileno())})
        e.update(env or {})
        self.proc = subprocess.Popen([sys.executable, script], env=e, pass_fds=[child.fileno()],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        child.close()
        self.buf = b""

    def send(self, frame):
        self.sock.sendall((json.dumps(frame) + "\n").encode())

    def recv(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("worker closed the channel")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def wait(self):
        try:
            return self.proc.wait(DEADLINE)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def close(self):
        self.sock.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait()


class SDKTest(unittest.TestCase):
    def start(self, env=None):
        p = Primary(KINDS, env)
        self.addCleanup(p.close)
        hello = p.recv()
        return p, hello

    def job(self, p, n, kind, inp):
        p.send({"t": "job", "job": n, "kind": kind, "in": inp})
        r = p.recv()
        self.assertEqual(r["t"], "result")
        self.assertEqual(r["job"], n)
        return r

    def test_hello_declares_kinds(self):
        p, hello = self.start()
        self.assertEqual(hello["t"], "hello")
        self.assertEqual(hello["v"], 2)
        self.assertEqual(hello["id"], 7)
        self.assertEqual(hello["pid"], p.proc.pid)
        kinds = {k["name"]: k for k in hello["kinds"]}
        self.assertEqual(kinds["echo"], {"name": "echo", "doc": "returns its input",
                                         "example": {"any": ["json", 1, None]}})
        self.assertNotIn("example", kinds["raise"])
        self.assertEqual(kinds["sleep"]["example"], 10)

    def test_results_carry_any_json_in_order(self):
        p, _ = self.start()
        inputs = [None, 1, "ü", [1, {"a": True}], {"x": 1.5}]
        for i, v in enumerate(inputs):  # prefetched: all sent before any result
            p.send({"t": "job", "job": i + 1, "kind": "echo", "in": v})
        for i, v in enumerate(inputs):
            r = p.recv()
            self.assertEqual((r["job"], r["out"]), (i + 1, v))
            self.assertNotIn("err", r)
            self.assertGreaterEqual(r["ms"], 0)

    def test_exception_fails_the_job_with_its_message(self):
        p, _ = self.start()
        r = self.job(p, 1, "raise", "no good")
        self.assertEqual(r["err"], "no good")
        self.assertEqual(r["err_data"], {"type": "ValueError"})
        self.assertNotIn("out", r)
        r = self.job(p, 2, "raise", "")  # an empty message still fails the job
        self.assertEqual(r["err"], "ValueError")
        r = self.job(p, 3, "joberror", 5)
        self.assertEqual((r["err"], r["err_data"]), ("bad input", {"input": 5}))
        self.assertEqual(self.job(p, 4, "echo", 9)["out"], 9)  # the worker lives on

    def test_input_nested_too_deeply_fails_only_that_job(self):
        p, _ = self.start()
        deep = "[" * 5000 + "]" * 5000  # valid JSON, deeper than Python's parser goes
        p.sock.sendall(('{"t":"job","job":1,"kind":"echo","in":%s}\n' % deep).encode())
        r = p.recv()
        self.assertEqual((r["job"], r["err"]), (1, "input nested too deeply for Python's json module"))
        self.assertEqual(self.job(p, 2, "echo", 9)["out"], 9)  # the worker lives on

    def test_unknown_kind_fails_the_job(self):
        p, _ = self.start()
        r = self.job(p, 1, "nope", 1)
        self.assertIn("no job kind 'nope'", r["err"])

    def test_result_over_max_job_bytes_fails_the_job(self):
        p, _ = self.start({"GOCLUSTER_MAX_JOB_BYTES": "100"})
        self.assertEqual(self.job(p, 1, "big", 98)["out"], "x" * 98)  # 100 bytes with quotes
        r = self.job(p, 2, "big", 99)
        self.assertEqual(r["err"], "result too large: 101 bytes, limit 100")
        self.assertEqual(self.job(p, 3, "echo", 1)["out"], 1)

    def test_frame_over_max_frame_fails_the_job(self):
        p, _ = self.start({"GOCLUSTER_MAX_FRAME": "2000", "GOCLUSTER_MAX_JOB_BYTES": "10000"})
        r = self.job(p, 1, "big", 3000)
        self.assertRegex(r["err"], r"^frame too large: \d+ bytes, limit 2000$")

    def test_result_that_is_not_json_fails_the_job(self):
        p, _ = self.start()
        r = self.job(p, 1, "nan", None)
        self.assertIn("result is not JSON", r["err"])

    def test_messages_both_ways(self):
        p, _ = self.start()
        p.send({"t": "msg", "d": {"hi": [1, 2]}})
        m = p.recv()
        self.assertEqual(m, {"t": "msg", "d": {"echo": {"hi": [1, 2]}, "pid": p.proc.pid}})

    def test_disconnect_finishes_the_running_job_only(self):
        p, _ = self.start()
        p.send({"t": "job", "job": 1, "kind": "sleep", "in": 300})
        p.send({"t": "job", "job": 2, "kind": "sleep", "in": 0})  # prefetched, not started
        p.send({"t": "disconnect"})
        self.assertEqual(p.recv()["out"], 300)
        with self.assertRaises(EOFError):
            p.recv()
        self.assertEqual(p.wait(), 0)

    def test_disconnect_while_idle_exits_0(self):
        p, _ = self.start()
        p.send({"t": "disconnect"})
        with self.assertRaises(EOFError):
            p.recv()
        self.assertEqual(p.wait(), 0)

    def test_exit_frame_exits_now_with_its_code(self):
        p, _ = self.start()
        p.send({"t": "job", "job": 1, "kind": "sleep", "in": 60000})
        p.send({"t": "exit", "code": 3})
        self.assertEqual(p.wait(), 3)

    def test_primary_gone_means_exit(self):
        p, _ = self.start()
        p.sock.shutdown(socket.SHUT_RDWR)
        self.assertEqual(p.wait(), 0)

    def test_without_worker_id_it_says_how_to_run(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOCLUSTER_")}
        out = subprocess.run([sys.executable, KINDS], env=env, capture_output=True, timeout=DEADLINE)
        self.assertEqual(out.returncode, 2)
        self.assertIn(b"gocluster serve -exec", out.stderr)


class DeclareTest(unittest.TestCase):
    def test_bad_declarations_are_refused(self):
        w = gocluster.Worker()
        for name in ["", "Word", "1x", "a b", "x" * 65, None]:
            with self.assertRaises(ValueError, msg=name):
                w.job(name)
        with self.assertRaises(ValueError):
            w.job("ok", doc="two\nlines")
        with self.assertRaises(ValueError):
            w.job("ok", doc="x" * 201)
        with self.assertRaises(ValueError):
            w.job("ok", example=float("nan"))
        w.job("ok", doc="x" * 200)(len)
        with self.assertRaises(ValueError):
            w.job("ok")(len)

    def test_send_before_run_is_an_error(self):
        with self.assertRaises(RuntimeError):
            gocluster.Worker().send(1)


if __name__ == "__main__":
    unittest.main()
