"""Knowledge-base search timings over a generated knowledge base of many articles.

``build`` migrates a fresh database (SQLite file, or ``--url`` of a PostgreSQL
database), adds an admin and one category through the services, and then writes
``--n`` published public articles with plain ``INSERT``s (the index follows: FTS5
triggers on SQLite, the per-language GIN indexes on PostgreSQL). Articles are in
English, one in five in German; their words come from a fixed vocabulary with a
skewed frequency, so some words are rare and some are in most articles.

``measure`` runs, through the services (no HTTP, one thread), and prints p50/p95 per row:

- the portal's search box with a rare word, a common word and two words,
- the suggestions for a customer typing a new case (a sentence, any word counts),
- the agents' search across every language.

    python bench/kb_search.py build /tmp/kb.db --n 10000
    python bench/kb_search.py measure /tmp/kb.db --repeat 50
    python bench/kb_search.py build --url postgresql+psycopg://… --n 10000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import insert

from casedesk.services.identity.auth import authenticate_token, create_token
from casedesk.services.identity.users import add_user
from casedesk.services.knowledge import categories, desk, public
from casedesk.services.knowledge.schemas import CategoryCreate
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import KbArticle, KbTranslation

ADMIN = "kb-bench@example.test"
ENGLISH = [
    "printer",
    "paper",
    "toner",
    "scanner",
    "network",
    "wifi",
    "password",
    "login",
    "account",
    "email",
    "calendar",
    "meeting",
    "laptop",
    "screen",
    "keyboard",
    "mouse",
    "battery",
    "charger",
    "update",
    "install",
    "driver",
    "error",
    "license",
    "invoice",
    "payment",
    "refund",
    "order",
    "delivery",
    "shipping",
    "address",
    "phone",
    "mobile",
    "app",
    "browser",
    "cache",
    "cookie",
    "backup",
    "restore",
    "sync",
    "folder",
    "share",
    "permission",
    "group",
    "user",
    "admin",
    "report",
    "export",
    "import",
    "spreadsheet",
    "document",
    "template",
    "signature",
    "certificate",
    "vpn",
    "proxy",
    "firewall",
    "router",
    "cable",
    "port",
    "monitor",
    "headset",
    "camera",
    "microphone",
    "audio",
    "video",
    "stream",
]
GERMAN = [
    "drucker",
    "papier",
    "toner",
    "scanner",
    "netzwerk",
    "passwort",
    "anmeldung",
    "konto",
    "kalender",
    "besprechung",
    "bildschirm",
    "tastatur",
    "maus",
    "akku",
    "ladegerät",
    "aktualisierung",
    "treiber",
    "fehler",
    "lizenz",
    "rechnung",
    "zahlung",
    "bestellung",
    "lieferung",
    "adresse",
    "telefon",
    "browser",
    "sicherung",
    "ordner",
    "freigabe",
    "gruppe",
]
RARE = "kerberos"


def _text(rng: random.Random, words: list[str], n: int) -> str:
    weights = [1 / (i + 1) for i in range(len(words))]
    return " ".join(rng.choices(words, weights, k=n))


def _url(path: str | None, url: str | None) -> str:
    if url:
        return url
    assert path, "give a SQLite file or --url"
    return f"sqlite:///{path}"


def build(url: str, n: int, seed: int = 7) -> None:
    upgrade(url)
    db = Database(url)
    add_user(db, ADMIN, "admin", "bench password 1")
    _, token = create_token(db, ADMIN)
    admin = authenticate_token(db, token)
    category = categories.create_category(db, admin, CategoryCreate(name="Everything")).id
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with db.write() as s:
        articles = [
            {
                "corporation_id": admin.corporation_id,
                "category_id": category,
                "visibility": "public",
                "created_at": now,
                "updated_at": now,
            }
            for _ in range(n)
        ]
        s.execute(insert(KbArticle), articles)
        first = s.query(KbArticle.id).order_by(KbArticle.id).first()
        assert first is not None
        rows = []
        for i in range(n):
            german = i % 5 == 4
            words = GERMAN if german else ENGLISH
            title = _text(rng, words, 5).capitalize()
            body = _text(rng, words, 120)
            if i % 1000 == 500:
                body += f" {RARE}"
            rows.append(
                {
                    "corporation_id": admin.corporation_id,
                    "article_id": first[0] + i,
                    "language": "de" if german else "en",
                    "slug": f"article-{i}",
                    "title": title,
                    "body": body,
                    "summary": "",
                    "status": "published",
                    "version": 1,
                    "search_text": f"{title} {body}",
                    "created_at": now,
                    "updated_at": now,
                    "published_at": now,
                }
            )
        for start in range(0, n, 1000):
            s.execute(insert(KbTranslation), rows[start : start + 1000])
    db.engine.dispose()
    print(f"built {n} articles at {url}")


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float, int]:
    fn()  # warm the caches once
    samples = []
    found = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
        found = len(result) if isinstance(result, list) else 0
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples), p95, found


def measure(url: str, repeat: int) -> None:
    db = Database(url)
    _, token = create_token(db, ADMIN)
    agent = authenticate_token(db, token)
    reader = public.visitor(db)
    typed = "Hello, since this morning my printer shows an error after the driver update"
    rows: list[tuple[str, Callable[[], object]]] = [
        ("portal search, rare word", lambda: public.search_articles(db, reader, "en", RARE)),
        ("portal search, common word", lambda: public.search_articles(db, reader, "en", "printer")),
        ("portal search, two words", lambda: public.search_articles(db, reader, "en", "toner vpn")),
        ("portal search, German", lambda: public.search_articles(db, reader, "de", "drucker")),
        ("suggestions while typing", lambda: public.suggestions(db, reader, "en", typed)),
        ("agents' search, every language", lambda: desk.find(db, agent, "scanner")),
    ]
    print(f"{'query':34} {'p50 ms':>8} {'p95 ms':>8} {'hits':>5}")
    for name, fn in rows:
        p50, p95, found = _time(fn, repeat)
        print(f"{name:34} {p50:8.1f} {p95:8.1f} {found:5}")
    db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("path", nargs="?")
    b.add_argument("--url")
    b.add_argument("--n", type=int, default=10_000)
    m = sub.add_parser("measure")
    m.add_argument("path", nargs="?")
    m.add_argument("--url")
    m.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = _url(args.path, args.url)
    if args.command == "build":
        build(url, args.n)
    else:
        measure(url, args.repeat)


if __name__ == "__main__":
    main()
