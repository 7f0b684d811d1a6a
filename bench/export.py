"""Benchmark of case exports: rows per second and peak memory, CSV and XLSX.

Fills a fresh database through the case use-cases' batch path (``open_cases``, 500
plain cases a transaction) with ``--n`` cases of one corporation, then gives each a
custom field value and a tag with bulk inserts (a case with tags or custom fields
leaves the fast batch path, which would make loading take most of the run); a tenth
of the titles and some field values start with characters that need neutralising.
Then exports them all as an admin, each export in a child process of its own so its
peak resident memory (``ru_maxrss``) is the export's and not the loading's: first at
a tenth of the cases, then at all of them. Flat memory means both peaks are about the
same; the rate is rows per second of the whole export (reading in keyset batches,
building rows, writing CSV to /dev/null or XLSX to a file in ``constant_memory`` mode).

See bench/README.md for how to run it.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import postgres
from sqlalchemy import insert, select

from casedesk.services.cases.opening import NewCase, open_cases
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.identity.auth import authenticate_password
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.reference import field_definitions
from casedesk.services.reference.field_definitions import FieldDefinitionCreate
from casedesk.services.reports import exports
from casedesk.services.reports.export_jobs import check
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import CaseTag, CustomFieldDefinition, CustomFieldValue, Tag

BATCH = 500
ADMIN = "bench-admin@example.test"
PASSWORD = "bench password"
COLUMNS = (
    "reference,title,status_name,priority_name,group_name,assignee_email,tags,"
    "custom.site,created_at,updated_at,first_response_minutes,age_minutes"
)
SITES = ("Oslo", "Bergen", "=cmd|' /C calc'!A0", "Tromsø", "\uff0bTrondheim")


def fill(db: Database, start: int, stop: int) -> None:
    principal = authenticate_password(db, ADMIN, PASSWORD)
    with db.write() as s:
        corp = principal.corporation_id
        field_id = s.scalars(select(CustomFieldDefinition.id)).one()
        tags = [
            s.scalars(select(Tag.id).where(Tag.name_key == f"tag{k}")).one_or_none()
            or s.execute(
                insert(Tag)
                .values(corporation_id=corp, name=f"tag{k}", name_key=f"tag{k}")
                .returning(Tag.id)
            ).scalar_one()
            for k in range(7)
        ]
    for first in range(start, stop, BATCH):
        orders = [
            NewCase(
                principal,
                CaseCreate(
                    title=("=SUM(A1)" if n % 10 == 0 else "Printer jam") + f" number {n}",
                    description="Paper stuck in tray 2",
                ),
            )
            for n in range(first, min(first + BATCH, stop))
        ]
        opened = []
        for answer in open_cases(db, orders):
            if isinstance(answer, Exception):
                raise answer
            opened.append(answer.id)
        with db.write() as s:
            s.execute(
                insert(CustomFieldValue),
                [
                    {"case_id": c, "field_id": field_id, "value_text": SITES[c % len(SITES)]}
                    for c in opened
                ],
            )
            s.execute(insert(CaseTag), [{"case_id": c, "tag_id": tags[c % 7]} for c in opened])


def measure(url: str, fmt: str, workdir: Path) -> None:
    """In the child: export everything once and print rows, seconds and peak RSS."""
    db = Database(url)
    principal = authenticate_password(db, ADMIN, PASSWORD)
    wanted = check(db, principal, fmt, [], COLUMNS)
    started = time.perf_counter()
    rows = exports.iter_rows(db, principal, wanted)
    if fmt == "csv":
        n = 0
        with open("/dev/null", "wb") as out:
            for chunk in exports.csv_chunks(wanted.columns, rows):
                out.write(chunk)
                n += chunk.count(b"\n")
        n -= 1  # the header
    else:
        n = exports.write_xlsx(workdir / "bench.xlsx", wanted.columns, rows)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} {seconds} {peak_mib}")
    db.dispose()


def run_child(url: str, fmt: str, workdir: Path) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", fmt, "--url", url, "--workdir", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", help="PostgreSQL to use (a scratch schema is made in it)")
    parser.add_argument("--n", type=int, default=100_000, help="cases to export")
    parser.add_argument("--measure", choices=exports.FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.url, args.measure, args.workdir)
        return

    workdir = Path(tempfile.mkdtemp(prefix="casedesk-bench-export-"))
    try:
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
            field_definitions.create_field(
                db, admin, FieldDefinitionCreate(key="site", label="Site", type="text")
            )
            done = 0
            for size in (args.n // 10, args.n):
                started = time.perf_counter()
                fill(db, done, size)
                print(
                    f"filled {size - done:,} cases in {time.perf_counter() - started:.1f} s "
                    f"({size:,} in all)",
                    flush=True,
                )
                done = size
                for fmt in exports.FORMATS:
                    n, seconds, peak = run_child(url, fmt, workdir)
                    print(
                        f"export {fmt} ({args.backend}, {n:,} rows, 12 columns): "
                        f"{seconds:.1f} s, {n / seconds:,.0f} rows/s, peak RSS {peak:,.0f} MiB",
                        flush=True,
                    )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
