"""A real HTTP receiver of webhooks on a loopback port: it records every request and
answers with the statuses it is told, in turn (the last one repeated)."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int
    requests: list[Request] = field(default_factory=list)
    #: Statuses to answer, in turn; the last one stays.
    statuses: list[int] = field(default_factory=lambda: [200])
    #: Paths that answer with a redirect to the given URL.
    redirects: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    scheme: str = "http"

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def answer(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        receiver = self.server.receiver
        receiver.requests.append(Request(self.path, dict(self.headers.items()), body))
        if self.path in receiver.redirects:
            self.send_response(307)
            self.send_header("Location", receiver.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = receiver.answer()
        reply = b'{"received": true}' if status < 300 else b"receiver is down for maintenance"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads ``requests``."""


class _Server(ThreadingHTTPServer):
    receiver: Receiver


@contextmanager
def run_receiver(tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    """A receiver on a free loopback port; over TLS with ``tls`` (a server context)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(server.server_address[1])
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        server.receiver.scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
