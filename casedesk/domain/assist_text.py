"""Pure text helpers of the local assist: words of a message, BM25 ranking, and the
sentiment scale the SuperOffice face shows.

No I/O and no heavy library here: the language detector, the lexicons and the
classifier live in ``services/assist``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: BM25 parameters (the usual ones).
K1 = 1.2
B = 0.75
MAX_TERM = 64
#: Words with a digit (order numbers, error codes, account names) weigh this much more:
#: two messages naming the same reference are most likely about the same thing.
IDENTIFIER_BOOST = 5.0


#: Greetings and sign-offs carry no feeling but lexicons score them ("dear", "good",
#: "kind regards", "freundlichen Grüßen"): they are cut before the sentiment is read.
_FORMULAS = {
    "en": (
        r"^\s*(?:(?:hello|hi|hey|dear|good (?:morning|afternoon|evening))\b[^,.!\n]{0,40}[,.!]?)",
        r"(?:(?:kind|best|warm)\s+)?regards\b[^\n]{0,40}$",
    ),
    "de": (
        r"^\s*(?:(?:hallo|guten (?:tag|morgen|abend)|sehr geehrte[^,\n]{0,60}|liebe[rs]?)"
        r"\b[^,.!\n]{0,40}[,.!]?)",
        r"(?:mit )?(?:freundlichen|besten|herzlichen|viele|liebe) grüßen?\b[^\n]{0,40}$",
    ),
}


def without_formulas(text: str, language: str) -> str:
    """``text`` without its greeting and sign-off, for reading its sentiment."""
    start, end = _FORMULAS.get(language, ("", ""))
    if not start:
        return text
    text = re.sub(start, "", text.strip(), count=1, flags=re.IGNORECASE)
    return re.sub(end, "", text, count=1, flags=re.IGNORECASE).strip()


def words(text: str) -> list[str]:
    """Lower-cased words and numbers of two characters or more, as BM25 terms."""
    return [w[:MAX_TERM] for w in _WORD.findall(text.lower()) if len(w) > 1]


def term_counts(text: str) -> tuple[Counter[str], int]:
    """Each term's count and the number of words, for the inverted index."""
    found = words(text)
    return Counter(found), len(found)


def weight(term: str, boost: float = IDENTIFIER_BOOST) -> float:
    """How much a matching term counts besides its rarity."""
    return boost if any(ch.isdigit() for ch in term) else 1.0


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class Posting(NamedTuple):
    """A term's occurrence in a document: ``(doc, term, tf, length)``; any row of
    those four values will do."""

    doc: int
    term: str
    tf: int
    length: int


def bm25(
    query: Iterable[str],
    postings: Iterable[Posting],
    df: Mapping[str, int],
    n: int,
    avg_length: float,
    *,
    boost: float = IDENTIFIER_BOOST,
) -> dict[int, float]:
    """Score of each document in ``postings`` for the terms of ``query``: BM25, with
    identifier-like words weighted ``boost`` times (1.0: plain BM25)."""
    avg = avg_length or 1.0
    weights = {t: idf(df.get(t, 0), n) * weight(t, boost) for t in set(query)}
    scores: dict[int, float] = {}
    norm = K1 * (1 - B)
    per_length = K1 * B / avg
    for doc, term, count, length in postings:
        w = weights.get(term)
        if w is None:
            continue
        tf = count * (K1 + 1) / (count + norm + per_length * length)
        scores[doc] = scores.get(doc, 0.0) + w * tf
    return scores


def top(scores: Mapping[int, float], k: int) -> list[tuple[int, float]]:
    """The ``k`` best, highest score first, ties by the lower id."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]


#: Sentiment on the SuperOffice scale (int32 in seed 001, examples 28 … 997): the index
#: runs 0 (most negative) … 500 (neutral) … 1000 (most positive), the confidence 0 … 1000.
SCALE = 1000
NEUTRAL_BAND = 0.05


def sentiment_label(polarity: float, band: float = NEUTRAL_BAND) -> str:
    """negative | neutral | positive for a polarity in -1 … 1 (neutral within ``band``)."""
    if polarity >= band:
        return "positive"
    if polarity <= -band:
        return "negative"
    return "neutral"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """The sentences of a message (split after . ! ?)."""
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def sentiment_index(polarity: float) -> int:
    """A polarity in -1 … 1 as the 0 … 1000 index."""
    clipped = max(-1.0, min(1.0, polarity))
    return round((clipped + 1) / 2 * SCALE)


def per_mille(value: float) -> int:
    """A confidence in 0 … 1 as 0 … 1000."""
    return round(max(0.0, min(1.0, value)) * SCALE)
