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

import uvicorn
from uvicorn.supervisors import Multiprocess


def run(host: str, port: int, workers: int = 1, *, access_log: bool = True) -> None:
    config = uvicorn.Config(
        "casedesk.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
