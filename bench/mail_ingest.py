"""Mail intake benchmark: raw mails per second through the whole inbound path.

Makes a fresh database (SQLite in a temporary directory, or the PostgreSQL database of
``--pg-url`` in a scratch schema that is dropped afterwards), a corporation with a
customer organization and its mail domain and 200 contacts, and a mix of ``--n`` raw
mails: new requests (some multipart with HTML and a small attachment), replies that
find their case by subject token or In-Reply-To, auto-replies, and mail from unknown
senders that is quarantined. Each mail goes through ``ingest_raw`` (size check, MIME
parsing, charset decoding, HTML sanitizing, quote stripping, threading, sender rules,
one transaction per mail), one after another, as the poller runs it.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, pool, text

from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import Contact, ContactEmail, Organization, OrganizationDomain

CONTACTS = 200
WORDS = (
    "printer", "email", "login", "password", "laptop", "screen", "network", "vpn", "invoice",
    "toner", "docking", "certificate", "mailbox", "webcam", "keyboard", "scanner", "router",
)  # fmt: skip


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_mails(n: int, seed: int = 1) -> list[bytes]:
    """``n`` raw mails: 60 % new requests (a third of them multipart with HTML and an
    attachment), 25 % replies to earlier ones, 8 % auto-replies, 7 % unknown senders."""
    rng = random.Random(seed)
    mails: list[bytes] = []
    new_count = 0
    for i in range(n):
        roll = rng.random()
        msg = EmailMessage()
        sender = f"user{rng.randrange(CONTACTS)}@customer.example"
        msg["Message-ID"] = f"<bench.{i}.{uuid.uuid4().hex[:8]}@customer.example>"
        msg["Date"] = format_datetime(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
        msg["To"] = "support@acme.example"
        body = f"Hello,\n\n{_words(rng, 40)}.\n\nRegards\n"
        if roll < 0.60 or new_count == 0:
            new_count += 1
            msg["From"] = f"User <{sender}>"
            msg["Subject"] = f"{_words(rng, 4)} problem"
            msg.set_content(body)
            if rng.random() < 0.33:
                msg.add_alternative(f"<p>{_words(rng, 40)}</p><script>x()</script>", subtype="html")
                msg.add_attachment(
                    rng.randbytes(2048), maintype="application", subtype="octet-stream",
                    filename="log.bin",
                )  # fmt: skip
        elif roll < 0.85:
            msg["From"] = f"User <{sender}>"
            number = rng.randrange(1, new_count + 1)
            msg["Subject"] = f"Re: [TCK-{number}] follow-up"
            msg.set_content(f"{body}\nOn Mon, someone wrote:\n> {_words(rng, 20)}\n")
        elif roll < 0.93:
            msg["From"] = f"User <{sender}>"
            msg["Subject"] = "Automatic reply: out of office"
            msg["Auto-Submitted"] = "auto-replied"
            msg.set_content("I am out of the office.")
        else:
            msg["From"] = f"Someone <someone{i}@unknown.example>"
            msg["Subject"] = f"{_words(rng, 3)} offer"
            msg.set_content(body)
        mails.append(msg.as_bytes())
    return mails


def seed(db: Database) -> int:
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-")
        org = Organization(corporation_id=corp.id, name="Customer Ltd")
        s.add(org)
        s.flush()
        s.add(
            OrganizationDomain(
                corporation_id=corp.id, organization_id=org.id, domain="customer.example"
            )
        )
        for n in range(CONTACTS):
            contact = Contact(corporation_id=corp.id, organization_id=org.id, first_name=f"User{n}")
            s.add(contact)
            s.flush()
            s.add(
                ContactEmail(
                    corporation_id=corp.id,
                    contact_id=contact.id,
                    email=f"user{n}@customer.example",
                    is_primary=True,
                )
            )
        return corp.id


@contextmanager
def database(pg_url: str | None, workdir: Path) -> Iterator[str]:
    if not pg_url:
        yield f"sqlite:///{workdir / 'casedesk.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, poolclass=pool.NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="mails to take in")
    parser.add_argument("--pg-url", help="a PostgreSQL URL (default: SQLite in a temp dir)")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="casedesk-mail-bench-") as tmp,
        database(args.pg_url, Path(tmp)) as url,
    ):
        upgrade(url)
        db = Database(url)
        corp = seed(db)
        store = LocalBlobStore(Path(tmp) / "attachments")
        limits = Limits(
            max_mail_bytes=30 * 1024 * 1024,
            max_mime_depth=12,
            max_attachment_bytes=25 * 1024 * 1024,
        )
        mails = make_mails(args.n)
        size = sum(len(m) for m in mails)
        outcomes: Counter[str] = Counter()
        start, cpu0 = time.perf_counter(), time.process_time()
        for raw in mails:
            outcomes[ingest_raw(db, store, corp, raw, limits).outcome.value] += 1
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
        db.dispose()

    backend = "postgresql" if args.pg_url else "sqlite"
    print(f"mail intake on {backend}, Python {platform.python_version()}, {platform.machine()}")
    print(f"  mails      {args.n:>8,}  ({size / args.n / 1024:.1f} KiB average)")
    for outcome in ("created", "appended", "ignored", "quarantined"):
        print(f"  {outcome:<10} {outcomes[outcome]:>8,}")
    print(f"  seconds    {elapsed:>8.1f}")
    print(f"  mails/s    {args.n / elapsed:>8.0f}")
    # CPU time hardly depends on what else runs on the machine: compare code versions by it
    print(f"  cpu ms/mail {cpu / args.n * 1000:>7.2f}  ({args.n / cpu:.0f} mails per CPU second)")


if __name__ == "__main__":
    main()
