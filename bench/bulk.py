"""Bulk change rate: one bulk job changing the status of N cases (5,000 by default).

Makes a fresh database (SQLite in a temporary directory, or a throwaway PostgreSQL
cluster with ``--backend postgresql``, or a scratch schema in ``--pg-url``), opens N
cases through the batch path of the case use-cases, queues one bulk job over them and
runs it as the ``bulk`` job would, then prints the rate in cases per second. Each case
goes through ``update_case`` in its own transaction, with its audit record and event,
so the figure is that of N single-case changes made one after another.

    .venv/bin/python bench/bulk.py
    .venv/bin/python bench/bulk.py --backend postgresql --n 5000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import postgres
from sqlalchemy import select

from casedesk.domain.statuses import InternalStatus
from casedesk.services.bulk import jobs
from casedesk.services.bulk.schemas import BulkChange, BulkRequest
from casedesk.services.cases.opening import NewCase, open_cases
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.identity.auth import authenticate_password
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import CaseStatus

ADMIN = "bench-admin@example.test"
PASSWORD = "bench password"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", help="PostgreSQL to use (a scratch schema is made in it)")
    parser.add_argument("--n", type=int, default=5_000, help="cases to change")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="casedesk-bench-bulk-"))
    with ExitStack() as stack:
        if args.backend == "sqlite":
            url = f"sqlite:///{workdir / 'casedesk.db'}"
        else:
            url = stack.enter_context(postgres(args.pg_url, workdir))
        upgrade(url)
        db = Database(url)
        stack.callback(db.dispose)
        with db.write() as s:
            corporation = create_corporation(s, "Bench", "BEN-").id
        add_user(db, ADMIN, "admin", PASSWORD, corporation_id=corporation)
        admin = authenticate_password(db, ADMIN, PASSWORD)
        ids: list[int] = []
        for first in range(0, args.n, 500):
            orders = [
                NewCase(admin, CaseCreate(title=f"Printer jam {k}"))
                for k in range(first, min(first + 500, args.n))
            ]
            for answer in open_cases(db, orders):
                if isinstance(answer, Exception):
                    raise answer
                ids.append(answer.id)
        with db.read() as s:
            pending = s.scalars(
                select(CaseStatus.id).where(
                    CaseStatus.corporation_id == corporation,
                    CaseStatus.internal_status == int(InternalStatus.AWAITING_EXTERNAL),
                )
            ).first()
        assert pending is not None
        request = BulkRequest(ids=ids, change=BulkChange(status_id=pending))
        job = jobs.start(db, admin, request, threshold=0).job
        assert job is not None
        started = time.perf_counter()
        jobs.run_queued(db, datetime.now(UTC))
        seconds = time.perf_counter() - started
        done = jobs.get_job(db, admin, job.id)
        print(
            f"{args.backend}: {done.done} cases changed ({done.failed} failed) in "
            f"{seconds:.1f} s: {done.done / seconds:.0f} cases/s"
        )


if __name__ == "__main__":
    main()
