"""Language and sentiment of one message, with models that ship inside their packages.

The lingua detector is built once per process and only for the configured languages
(``CASEDESK_ASSIST_LANGUAGES``), which keeps its memory and time low. Sentiment covers
English (VADER's lexicon and rules) and German (the German Polarity Lexicon of Klenner,
Clematide et al. shipped in ``textblob-de``, read with a few VADER-like rules for
negation and intensifiers); any other language is ``unknown``, never a guess.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from casedesk.config import Settings
from casedesk.domain import assist_text

_lock = threading.Lock()
#: Fewer words than this and the language is not guessed.
MIN_CHARS = 3


@cache
def _detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    settings = Settings()
    codes = [c.strip().upper() for c in settings.assist_languages.split(",") if c.strip()]
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c)) for c in codes]
    if len(languages) < 2:
        languages.append(Language.ENGLISH if Language.ENGLISH not in languages else Language.GERMAN)
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if settings.assist_language_low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def language_of(text: str) -> str | None:
    """ISO 639-1 code of ``text``, None when too short or not one of the configured."""
    if len(text.strip()) < MIN_CHARS:
        return None
    with _lock:
        detector = _detector()
    found = detector.detect_language_of(text[:2000])
    return str(found.iso_code_639_1.name).lower() if found is not None else None


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: str  # negative | neutral | positive | unknown
    index: int | None  # 0 … 1000
    confidence: int | None  # 0 … 1000


UNKNOWN = Sentiment("unknown", None, None)
SENTIMENT_LANGUAGES = frozenset({"en", "de"})


def sentiment_of(text: str, language: str | None) -> Sentiment:
    """The sentiment of ``text`` in ``language``; ``unknown`` when not covered."""
    if language == "en":
        polarity, strength = _english(assist_text.without_formulas(text, "en"))
        band = ENGLISH_BAND
    elif language == "de":
        polarity, strength = _german(assist_text.without_formulas(text, "de"))
        band = assist_text.NEUTRAL_BAND
    else:
        return UNKNOWN
    return Sentiment(
        assist_text.sentiment_label(polarity, band),
        assist_text.sentiment_index(polarity),
        assist_text.per_mille(strength),
    )


#: VADER's compound score of a support message's problem statement is often mildly
#: negative ("error", "wrong address") without any feeling in it: in English a message
#: is negative or positive beyond ±0.5 only (docs/assist.md says how this was chosen).
ENGLISH_BAND = 0.5


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _english(text: str) -> tuple[float, float]:
    """The compound score of the sentence with the strongest feeling: a customer's tone
    sits in a sentence or two, and averaging dilutes it with the problem statement."""
    vader = _vader()
    scores = [
        float(vader.polarity_scores(part)["compound"])
        for part in assist_text.sentences(text[:4000])
    ]
    compound = max(scores, key=abs, default=0.0)
    # Confidence: how far the message leans, or how plainly neutral it is.
    strength = abs(compound) if abs(compound) >= ENGLISH_BAND else 1 - abs(compound)
    return compound, strength


_NEGATIONS = frozenset({"nicht", "kein", "keine", "keinen", "keiner", "nie", "niemals", "nichts"})
_BOOSTERS = frozenset({"sehr", "wirklich", "total", "extrem", "äußerst", "absolut", "echt"})
#: Support phrases the lexicon lacks (it lists no interjections): thanks and praise.
_EXTRA = {"danke": 0.8, "dank": 0.6, "lob": 0.8, "katastrophe": -1.0, "frechheit": -1.0}


@cache
def _german_lexicon() -> dict[str, float]:
    """The polarity of each word form in textblob-de's ``de-sentiment.xml``. The file is
    read without importing ``textblob_de``, whose import pulls in more than needed."""
    spec = importlib.util.find_spec("textblob_de")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("textblob-de is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "de-sentiment.xml"
    lexicon: dict[str, float] = {}
    root = ElementTree.parse(path).getroot()
    for word in root.iter("word") if root is not None else ():
        form, value = word.get("form"), word.get("polarity")
        if form and value:
            lexicon.setdefault(form.lower(), float(value))
    for extra, polarity in _EXTRA.items():
        lexicon.setdefault(extra, polarity)
    return lexicon


def _german(text: str) -> tuple[float, float]:
    lexicon = _german_lexicon()
    tokens = assist_text.words(text[:4000])
    total, hits = 0.0, 0
    for i, token in enumerate(tokens):
        value = lexicon.get(token)
        if value is None:
            continue
        before = tokens[max(0, i - 3) : i]
        if any(t in _NEGATIONS for t in before):
            value = -value * 0.75
        if i and tokens[i - 1] in _BOOSTERS:
            value *= 1.3
        total += value
        hits += 1
    if not hits:
        return 0.0, 0.6
    # VADER's normalisation of a sum into -1 … 1.
    polarity = total / (total * total + 15) ** 0.5
    return polarity, abs(polarity) if abs(polarity) >= 0.05 else 0.5
