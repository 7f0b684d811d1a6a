"""Run the casedesk app under uvicorn with worker processes sharing a TCP socket that
this module binds, so that responses are not held back by Nagle's algorithm.

``uvicorn --workers N`` (N > 1) binds its socket as ``socket.socket(AF_INET)``, whose
protocol number reads 0, and asyncio only sets ``TCP_NODELAY`` on accepted sockets whose
protocol reads ``IPPROTO_TCP``. Without it every response written in two pieces (headers,
then body) waits for the client's delayed ACK: about 40 ms a request on Linux. Binding
the socket with an explicit ``IPPROTO_TCP`` gives the workers accepted sockets that get
``TCP_NODELAY``, as a single uvicorn process has.

    python bench/serve.py --host 127.0.0.1 --port 8000 --workers 2
"""

from __future__ import annotations

import argparse
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="casedesk under uvicorn, N workers")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    config = uvicorn.Config(
        "casedesk.api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.set_inheritable(True)
    if args.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
