"""Writes corpus.jsonl: short support messages in six languages, labelled.

Each message is an opening sentence that carries the sentiment, a sentence that states the
problem (its category) with concrete details drawn from per-language vocabulary (product,
order number, error code, amount, date), and sometimes a closing line. Duplicate pairs are
a second message about the same problem with the same details, written with another
template and another opening. Everything is seeded, so the file is the same on every run:
``python bench/assist_corpus/make_corpus.py``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from bench.assist_corpus import vocab_de_en, vocab_fr_es, vocab_it_nl

CATEGORIES = ("billing", "access", "delivery", "defect", "cancellation", "howto")
PER_CATEGORY = 25  # per language: 150 messages per language
DUPLICATES = 12  # pairs per language
LANGUAGES = vocab_de_en.LANGS | vocab_fr_es.LANGS | vocab_it_nl.LANGS


def _details(rng: random.Random, lang: dict[str, object]) -> dict[str, str]:
    products = lang["products"]
    months = lang["months"]
    assert isinstance(products, list) and isinstance(months, list)
    return {
        "product": rng.choice(products),
        "order": f"{rng.randint(10000, 99999)}",
        "code": f"E{rng.randint(100, 999)}",
        "amount": f"{rng.randint(12, 480)},{rng.randint(10, 99)}",
        "month": rng.choice(months),
        "user": rng.choice(["j.meyer", "anna.k", "p.rossi", "mdupont", "l.garcia", "kvdberg"])
        + str(rng.randint(1, 99)),
    }


def _message(
    rng: random.Random,
    lang: dict[str, object],
    category: str,
    sentiment: str,
    details: dict[str, str],
    avoid: int | None = None,
) -> tuple[str, int]:
    problems = lang["problems"]
    openers = lang["openers"]
    closers = lang["closers"]
    assert isinstance(problems, dict) and isinstance(openers, dict) and isinstance(closers, dict)
    choices = [i for i in range(len(problems[category])) if i != avoid]
    which = rng.choice(choices)
    problem = problems[category][which].format(**details)
    parts = [rng.choice(openers[sentiment]), problem[:1].upper() + problem[1:]]
    if rng.random() < 0.5:
        parts.append(rng.choice(closers[sentiment]))
    return " ".join(p for p in parts if p), which


def build(seed: int = 20261206) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for code, lang in LANGUAGES.items():
        made: list[tuple[int, str, str, dict[str, str], int]] = []
        for category in CATEGORIES:
            for n in range(PER_CATEGORY):
                sentiment = ("negative", "neutral", "positive")[n % 3]
                details = _details(rng, lang)
                text, which = _message(rng, lang, category, sentiment, details)
                row_id = len(rows) + 1
                rows.append(
                    {
                        "id": row_id,
                        "language": code,
                        "category": category,
                        "sentiment": sentiment,
                        "text": text,
                    }
                )
                made.append((row_id, category, sentiment, details, which))
        for original_id, category, _sentiment, details, which in rng.sample(made, DUPLICATES):
            sentiment = rng.choice(("negative", "neutral"))
            text, _ = _message(rng, lang, category, sentiment, details, avoid=which)
            rows.append(
                {
                    "id": len(rows) + 1,
                    "language": code,
                    "category": category,
                    "sentiment": sentiment,
                    "text": text,
                    "duplicate_of": original_id,
                }
            )
    return rows


def main() -> None:
    out = Path(__file__).with_name("corpus.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for row in build():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
