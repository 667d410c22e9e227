#!/usr/bin/env python3
"""A standard-library HTTP server that gocluster can supervise as a plain program.

    gocluster serve -workers 2 -exec 'python3 server.py' -protocol none -listen 127.0.0.1:8000

It takes its listening socket the way systemd socket activation hands it over
(sd_listen_fds(3)): when LISTEN_PID is this process's pid and LISTEN_FDS is 1, the
socket is file descriptor 3, already bound and listening, and every worker of the
pool accepts on the same one. Otherwise it binds 127.0.0.1:$PORT itself (PORT
defaults to 8000), which is how gocluster's -port-base gives each worker a port.

On SIGTERM (how gocluster asks a plain program to stop, e.g. in a rolling restart)
it stops accepting, answers the requests it has, tells keep-alive clients to close,
and exits 0: no request is lost, and the connections it did not accept stay queued
on the shared socket for the other workers.
"""

import os
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
import socketserver
from socketserver import ThreadingMixIn

SD_LISTEN_FDS_START = 3
stopping = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    wbufsize = 64 << 10  # one send per answer: headers and body apart meet Nagle's delay
    timeout = 5  # an idle keep-alive connection ends after this, so a stop is bounded

    def do_GET(self):
        how = "socket activation" if activated else "PORT"
        body = f"hello from pid {os.getpid()} ({how})\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if stopping.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        if os.environ.get("ACCESS_LOG"):
            super().log_message(fmt, *args)


class Server(ThreadingMixIn, HTTPServer):
    daemon_threads = False  # server_close waits for the requests in flight
    block_on_close = True

    def server_bind(self):
        # HTTPServer's own looks up the host's FQDN, which can hang without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def listen_socket():
    """The socket-activated socket, or None when this process was not given one."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return None
    if os.environ.get("LISTEN_FDS") != "1":
        return None
    return socket.socket(fileno=SD_LISTEN_FDS_START)


def main():
    global activated
    sock = listen_socket()
    activated = sock is not None
    if activated:
        server = Server(sock.getsockname()[:2], Handler, bind_and_activate=False)
        server.socket.close()
        server.socket = sock
        server.server_name, server.server_port = sock.getsockname()[:2]
    else:
        server = Server(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Handler)
    host, port = server.socket.getsockname()[:2]

    def on_term(signum, frame):
        stopping.set()
        # shutdown waits for serve_forever, which runs on this (the main) thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    how = "socket activation, fd 3" if activated else "PORT"
    print(f"pid {os.getpid()} serving http://{host}:{port}/ ({how})", flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()  # joins the request threads
    print(f"pid {os.getpid()} stopped", flush=True)
    return 0


activated = False
if __name__ == "__main__":
    sys.exit(main())
