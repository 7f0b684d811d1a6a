"""The local assist's figures on the labelled corpus (bench/assist_corpus/corpus.jsonl)
and the similar-cases look-up over a generated desk of 100,000 cases.

Prints: language accuracy on messages of 5 words or more; sentiment agreement with the
labels (three classes, English and German); category top-1 and top-3 accuracy after 20
and 50 examples per category; duplicate recall at 5; CPU time per message for each part;
CPU and wall time of a similar-cases look-up over ``--cases`` cases on SQLite; and the
resident memory each part adds to the process.

    PYTHONPATH=. python bench/assist.py [--cases 100000] [--db /tmp/assist-desk.db]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

CORPUS = Path(__file__).with_name("assist_corpus") / "corpus.jsonl"
ADMIN = "bench-assist@example.test"
_NAMES = ("english", "german", "french", "spanish", "italian", "dutch")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_ms(fn: Callable[[], Any], n: int) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000 / max(n, 1)


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def language(rows: list[dict[str, Any]], memory: dict[str, float]) -> None:
    from casedesk.services.assist import detection

    long_rows = [r for r in rows if len(r["text"].split()) >= 5]
    from lingua import Language, LanguageDetectorBuilder

    before = rss_mb()
    low = (
        LanguageDetectorBuilder.from_languages(*(Language.from_str(n) for n in _NAMES))
        .with_low_accuracy_mode()
        .build()
    )
    got: list[str | None] = []

    def detect_low() -> None:
        for r in long_rows:
            found_low = low.detect_language_of(r["text"])
            got.append(found_low.iso_code_639_1.name.lower() if found_low else None)

    ms = cpu_ms(detect_low, len(long_rows))
    right = sum(1 for r, f in zip(long_rows, got, strict=True) if r["language"] == f)
    print(
        f"language, low-accuracy mode: {right / len(long_rows):.1%} right, CPU {ms:.2f} ms per "
        f"message, {rss_mb() - before:.0f} MB"
    )
    before = rss_mb()
    detection.language_of("warm up the detector with a sentence")
    found: list[str | None] = []
    ms = cpu_ms(
        lambda: found.extend(detection.language_of(r["text"]) for r in long_rows), len(long_rows)
    )
    memory["language"] = rss_mb() - before
    right = sum(1 for r, f in zip(long_rows, found, strict=True) if r["language"] == f)
    print(f"language: {right / len(long_rows):.1%} right on {len(long_rows)} messages of 5+ words")
    by_lang: dict[str, list[bool]] = defaultdict(list)
    for r, f in zip(long_rows, found, strict=True):
        by_lang[r["language"]].append(r["language"] == f)
    print(
        "  by language: "
        + ", ".join(f"{k} {sum(v) / len(v):.1%}" for k, v in sorted(by_lang.items()))
    )
    print(f"  CPU {ms:.2f} ms per message")


def sentiment(rows: list[dict[str, Any]], memory: dict[str, float]) -> None:
    from casedesk.services.assist import detection

    before = rss_mb()
    detection.sentiment_of("warm up", "en")
    detection.sentiment_of("warm up", "de")
    memory["sentiment"] = rss_mb() - before
    for lang in ("en", "de"):
        subset = [r for r in rows if r["language"] == lang]
        found: list[str] = []
        ms = cpu_ms(
            lambda s=subset, out=found, code=lang: out.extend(
                detection.sentiment_of(r["text"], code).label for r in s
            ),
            len(subset),
        )
        right = sum(1 for r, f in zip(subset, found, strict=True) if r["sentiment"] == f)
        confusion: dict[tuple[str, str], int] = defaultdict(int)
        for r, f in zip(subset, found, strict=True):
            confusion[(r["sentiment"], f)] += 1
        print(
            f"sentiment {lang}: {right / len(subset):.1%} agree on {len(subset)} (3 classes), "
            f"CPU {ms:.2f} ms per message"
        )
        print(
            "  label→found: "
            + ", ".join(f"{a[:3]}→{b[:3]} {n}" for (a, b), n in sorted(confusion.items()))
        )


def category(rows: list[dict[str, Any]], memory: dict[str, float]) -> None:
    from casedesk.services.assist import classifier

    before = rss_mb()
    names = sorted({r["category"] for r in rows})
    label = {n: i + 1 for i, n in enumerate(names)}
    for per in (20, 50):
        rng = random.Random(per)
        by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            by_cat[r["category"]].append(r)
        train, test = [], []
        for items in by_cat.values():
            picked = rng.sample(items, per)
            ids = {id(r) for r in picked}
            train += picked
            test += [r for r in items if id(r) not in ids]
        start = time.process_time()
        model = classifier.train(
            [r["text"] for r in train], [label[r["category"]] for r in train], 1
        )
        train_ms = (time.process_time() - start) * 1000
        assert model is not None
        ranked: list[list[int]] = []
        ms = cpu_ms(
            lambda m=model, out=ranked, rest=test: out.extend(
                [c for c, _ in classifier.predict(m, r["text"], 3)] for r in rest
            ),
            len(test),
        )
        top1 = sum(1 for r, k in zip(test, ranked, strict=True) if k[0] == label[r["category"]])
        top3 = sum(1 for r, k in zip(test, ranked, strict=True) if label[r["category"]] in k)
        print(
            f"category after {per} per category: top-1 {top1 / len(test):.1%}, "
            f"top-3 {top3 / len(test):.1%} on {len(test)} ({len(names)} categories, "
            f"6 languages mixed); training {train_ms:.0f} ms CPU, CPU {ms:.2f} ms per "
            f"message; model {len(classifier.dumps(model)) / 1024:.0f} KiB stored"
        )
    memory["category"] = rss_mb() - before


def duplicates(rows: list[dict[str, Any]]) -> None:
    from casedesk.domain import assist_text
    from casedesk.services.assist.similar import telling_terms

    counts = {r["id"]: assist_text.term_counts(r["text"]) for r in rows}
    n = len(rows)
    df: dict[str, int] = defaultdict(int)
    postings: dict[str, list[assist_text.Posting]] = defaultdict(list)
    for rid, (c, length) in counts.items():
        for term, k in c.items():
            df[term] += 1
            postings[term].append(assist_text.Posting(rid, term, k, length))
    avg = sum(length for _, length in counts.values()) / n
    pairs = [(r["id"], r["duplicate_of"]) for r in rows if "duplicate_of" in r]

    for boost, name in (
        (1.0, "plain BM25"),
        (assist_text.IDENTIFIER_BOOST, "BM25, identifiers weighted"),
    ):
        hits = 0

        def run(boost: float = boost) -> None:
            nonlocal hits
            for query, original in pairs:
                c = counts[query][0]
                terms = telling_terms(dict(c), df, n, boost)
                found = [p for t in terms for p in postings[t] if p.doc != query]
                scores = assist_text.bm25(terms, found, df, n, avg, boost=boost)
                hits += original in [doc for doc, _ in assist_text.top(scores, 5)]

        ms = cpu_ms(run, len(pairs))
        print(
            f"duplicates ({name}): recall@5 {hits / len(pairs):.1%} over {len(pairs)} pairs "
            f"among {n} messages, CPU {ms:.2f} ms per look-up"
        )


def similar_at_scale(
    target: str, n: int, rows: list[dict[str, Any]], memory: dict[str, float]
) -> None:
    from casedesk.domain import assist_text
    from casedesk.services.assist import similar
    from casedesk.services.cases import core as cases
    from casedesk.services.cases.schemas import CaseCreate
    from casedesk.services.identity.auth import authenticate_token, create_token
    from casedesk.services.identity.users import add_user
    from casedesk.store.db import Database
    from casedesk.store.migrate import upgrade
    from casedesk.store.models import Case, CaseTerm

    path = Path(target)
    if path.exists():
        path.unlink()
    url = f"sqlite:///{target}"
    upgrade(url)
    db = Database(url)
    add_user(db, ADMIN, "admin", "bench-password-1")
    principal = authenticate_token(db, create_token(db, ADMIN, name="bench")[1])
    first = cases.open_case(db, principal, CaseCreate(title="seed case"))
    with db.engine.begin() as conn:
        seed = dict(
            conn.execute(select(Case.__table__).where(Case.__table__.c.id == first.id))
            .mappings()
            .one()
        )
    rng = random.Random(7)
    began = time.monotonic()
    start = datetime.now(UTC) - timedelta(days=20)
    done = 1
    while done < n:
        batch = min(5000, n - done)
        case_rows, term_rows = [], []
        for k in range(batch):
            i = done + k
            text = rng.choice(rows)["text"]
            text = text.replace(str(rng.choice("0123456789")), str(rng.randint(0, 9)))
            title = f"{text} #{rng.randint(1000, 999999)}"
            case_rows.append(
                seed
                | {
                    "id": first.id + i,
                    "number": first.id + i,
                    "title": title[:500],
                    "created_at": start + timedelta(seconds=i),
                    "version": 1,
                }
            )
            c, length = assist_text.term_counts(title)
            term_rows += [
                {
                    "case_id": first.id + i,
                    "term": t,
                    "corporation_id": seed["corporation_id"],
                    "count": v,
                    "length": length,
                }
                for t, v in c.items()
            ]
        with db.engine.begin() as conn:
            conn.execute(Case.__table__.insert(), case_rows)
            conn.execute(CaseTerm.__table__.insert(), term_rows)
        done += batch
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"  (built {n:,} cases with their terms in {time.monotonic() - began:.0f} s)")
    queries = rng.sample(range(first.id + 1, first.id + n), 200)
    before = rss_mb()
    similar.similar_cases(db, principal, queries[0])  # warm the corpus figures
    walls: list[float] = []
    cpu_start = time.process_time()
    for q in queries:
        t = time.perf_counter()
        similar.similar_cases(db, principal, q)
        walls.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / len(queries)
    memory["similar"] = rss_mb() - before
    walls.sort()
    print(
        f"similar cases over {n:,} cases (SQLite): CPU {cpu:.1f} ms per look-up, "
        f"wall p50 {statistics.median(walls):.1f} ms, p95 {walls[int(len(walls) * 0.95)]:.1f} ms"
    )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/assist-desk.db")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    base = rss_mb()
    import casedesk.api.app  # noqa: F401 - the server's own footprint, not counted below

    print(f"resident memory of the server's code: {rss_mb() - base:.0f} MB over the interpreter")
    rows = load()
    langs = sorted({r["language"] for r in rows})
    print(f"corpus: {len(rows)} messages, languages {', '.join(langs)}")
    memory: dict[str, float] = {}
    language(rows, memory)
    sentiment(rows, memory)
    category(rows, memory)
    duplicates(rows)
    similar_at_scale(args.db, args.cases, rows, memory)
    print("added resident memory: " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items()))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
