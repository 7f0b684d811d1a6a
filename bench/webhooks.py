"""Benchmark of outbound webhooks: queuing deliveries from the outbox and sending them.

Opens ``--n`` cases through the case use-case (each writes a ``case.created`` outbox
event) in a fresh database, subscribes ``--hooks`` webhooks to ``case.created`` (on a
second corporation's events first, to time the pass that only marks events seen), and
times:

1. ``fan_out`` over events no webhook wants (marking them seen),
2. ``fan_out`` over events every webhook wants (rendering each case's API view once and
   queuing one delivery per webhook),
3. ``deliver_due`` sending every delivery, signed, to an ``http.server`` receiver on a
   loopback port (allow-listed), one request at a time as the job does.

See bench/README.md for how to run it and read its output.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import postgres
from sqlalchemy import func, select

from casedesk.domain.permissions import Principal
from casedesk.domain.webhooks import AllowList
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.identity.auth import authenticate_password
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.webhooks import delivery, dispatch, subscriptions
from casedesk.services.webhooks.subscriptions import WebhookCreate
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import OutboxEvent

ALLOW = AllowList.parse(["127.0.0.1/32"])
PASSWORD = "bench password, long enough"


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def admin_of(db: Database, name: str, email: str) -> Principal:
    with db.write() as s:
        corp = create_corporation(s, name, name[:2].upper() + "-").id
    add_user(db, email, "admin", PASSWORD, corporation_id=corp)
    return authenticate_password(db, email, PASSWORD)


def open_cases(db: Database, principal: Principal, n: int) -> None:
    for i in range(n):
        cases.open_case(db, principal, CaseCreate(title=f"Bench case {i}", description="x" * 200))


def timed(label: str, what: str, run: Callable[[], int]) -> None:
    started = time.perf_counter()
    done = run()
    seconds = time.perf_counter() - started
    print(f"{label:<40} {done:>7,} {what} in {seconds:6.2f} s  {done / seconds:>8,.0f}/s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", help="PostgreSQL to use (a scratch schema is made in it)")
    parser.add_argument("--n", type=int, default=1_000, help="cases (events) per pass")
    parser.add_argument("--hooks", type=int, default=2, help="webhooks subscribed")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="casedesk-bench-webhooks-"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with ExitStack() as stack:
            if args.backend == "sqlite":
                url = f"sqlite:///{workdir / 'casedesk.db'}"
            else:
                url = stack.enter_context(postgres(args.pg_url, workdir))
            upgrade(url)
            db = Database(url)
            stack.callback(db.dispose)
            quiet = admin_of(db, "Quiet", "admin@quiet.bench")
            busy = admin_of(db, "Busy", "admin@busy.bench")
            for _ in range(args.hooks):
                data = WebhookCreate(
                    url=f"http://127.0.0.1:{server.server_address[1]}/hook",
                    event_types=["case.created"],
                )
                subscriptions.create_webhook(db, busy, data, ALLOW)
            print(f"{args.backend}: {args.n:,} events per pass, {args.hooks} webhooks")

            open_cases(db, quiet, args.n)
            now = datetime.now(UTC)
            timed("fan-out, no webhook wants them", "events", lambda: _seen(db, now))
            open_cases(db, busy, args.n)
            now = datetime.now(UTC)
            timed(
                "fan-out, every webhook wants them",
                "deliveries queued",
                lambda: dispatch.fan_out(db, now),
            )
            timed(
                "send to a loopback receiver",
                "deliveries sent",
                lambda: delivery.deliver_due(db, now, ALLOW, batch=50),
            )
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)


def _seen(db: Database, now: datetime) -> int:
    """Mark the events seen; how many there were."""
    with db.read() as s:
        before = s.scalar(select(func.count()).where(OutboxEvent.webhooks_seen_at.is_(None))) or 0
    dispatch.fan_out(db, now)
    return int(before)


if __name__ == "__main__":
    main()
