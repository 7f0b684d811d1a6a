"""Running the app under uvicorn, with worker processes sharing one listening socket.

The socket is bound here rather than by uvicorn: ``uvicorn --workers N`` binds it as
``socket.socket(AF_INET)``, whose protocol number reads 0, and asyncio sets
``TCP_NODELAY`` only on accepted sockets whose protocol reads ``IPPROTO_TCP``. Without it
every response written in two pieces (headers, then body) waits for the client's delayed
ACK, about 40 ms a request on Linux. Binding with an explicit ``IPPROTO_TCP`` gives every
worker the same fast sockets a single uvicorn process has.

uvicorn picks uvloop and the httptools parser when they are installed (they are project
dependencies): against asyncio's own loop and the pure-Python h11 parser they save a
good part of the per-request cost outside the application.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp
from uvicorn.supervisors import Multiprocess


def bind(host: str, port: int) -> socket.socket:
    """The listening socket for ``run``; port 0 takes any free port (read the one it
    got with ``sock.getsockname()[1]``). Raises OSError if the port is taken. It
    listens at once, so clients that come before the app is loaded wait in the backlog
    instead of being refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run(sock: socket.socket, workers: int = 1, *, access_log: bool = True) -> None:
    """Serve the app from ``sock`` (see ``bind``) until stopped."""
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        "casedesk.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
    )
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def serving(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` from a thread on a free loopback port for the ``with`` block and
    yield its base URL (browser tests, the docs' screenshots). The socket is listening
    before the block starts, so a client's first request simply waits in the backlog
    until the server accepts it: there is nothing to poll."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
