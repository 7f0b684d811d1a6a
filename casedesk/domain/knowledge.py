"""Rules of the knowledge base that need no database: the languages an article may be
written in (and the PostgreSQL text-search configuration of each), the life of an
article's translation (draft, published, archived), who may read what, and slugs.

A translation is what a reader sees: one language of one article, with its own slug,
title, body and status. Only a *published* translation of a *public* article is ever
shown to a customer or a signed-out visitor; everything else is for agents.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from casedesk.domain.errors import Conflict, ValidationFailed

#: Language code -> PostgreSQL text-search configuration (stemming and stop words).
#: Every configuration named here ships with PostgreSQL; each has a partial index.
LANGUAGES: dict[str, str] = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "fi": "finnish",
}

#: Language names as a language's own speakers write them (for pickers and links).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pt": "Português",
    "sv": "Svenska",
    "da": "Dansk",
    "nb": "Norsk bokmål",
    "fi": "Suomi",
}

DEFAULT_LANGUAGE = "en"


class Visibility(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


#: (from, to) pairs an editor may move a translation along.
TRANSITIONS: frozenset[tuple[ArticleStatus, ArticleStatus]] = frozenset(
    {
        (ArticleStatus.DRAFT, ArticleStatus.PUBLISHED),
        (ArticleStatus.PUBLISHED, ArticleStatus.DRAFT),
        (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED),
        (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED),
        (ArticleStatus.ARCHIVED, ArticleStatus.DRAFT),
        (ArticleStatus.ARCHIVED, ArticleStatus.PUBLISHED),
    }
)


def check_language(code: str) -> str:
    code = code.strip().lower()
    if code not in LANGUAGES:
        known = ", ".join(sorted(LANGUAGES))
        raise ValidationFailed(f"language {code!r} is not one of {known}", field="language")
    return code


def check_transition(current: str, wanted: str) -> ArticleStatus:
    """The wanted status if an editor may move a translation there from ``current``."""
    try:
        target = ArticleStatus(wanted)
    except ValueError:
        raise ValidationFailed(f"unknown status {wanted!r}", field="status") from None
    if current == target:
        return target
    if (ArticleStatus(current), target) not in TRANSITIONS:
        raise Conflict(f"an article cannot go from {current} to {target.value}", field="status")
    return target


def readable_by_public(visibility: str, status: str) -> bool:
    """Whether a customer or a signed-out visitor may read a translation."""
    return visibility == Visibility.PUBLIC and status == ArticleStatus.PUBLISHED


_SLUG_DROP = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_SLUG = 120


def slugify(text: str) -> str:
    """A URL part made of ``text``: ASCII letters and digits joined by hyphens
    ("Drucker läuft nicht!" -> "drucker-lauft-nicht"); "article" for text without any."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _SLUG_DROP.sub("-", folded).strip("-")[:MAX_SLUG].strip("-")
    return slug or "article"


#: Category slugs the portal's own pages use (``/portal/kb/<language>/search``).
RESERVED_CATEGORY_SLUGS = frozenset({"search"})


def check_category_slug(slug: str) -> str:
    if slug in RESERVED_CATEGORY_SLUGS:
        raise ValidationFailed(f"the slug {slug!r} is taken by the portal", field="slug")
    return check_slug(slug)


def check_slug(slug: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, slug) or len(slug) > MAX_SLUG:
        raise ValidationFailed(
            "a slug is lower-case letters and digits joined by single hyphens", field="slug"
        )
    return slug


_WORD = re.compile(r"\w{3,}", re.UNICODE)

#: Words too common to say anything about a problem (SQLite's index keeps them, where
#: PostgreSQL's configurations drop each language's own).
# fmt: off
STOP_WORDS = frozenset((
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "have", "this", "that", "with", "from", "they", "will", "would",
    "there", "their", "what", "when", "which", "who", "why", "how", "its", "also", "been",
    "were", "more", "some", "into", "than", "then", "them", "these", "those", "just", "only",
    "very", "your", "about", "after", "again", "since", "does", "did", "doing", "here", "help",
    "please", "thanks", "thank", "hello", "der", "die", "das", "und", "ist", "nicht", "ein",
    "eine", "einen", "dem", "den", "des", "mit", "von", "auf", "für", "sich", "bei", "wir",
    "ihr", "sie", "ich", "mir", "mich", "uns", "kann", "seit", "noch", "nur", "auch", "aber",
    "oder", "wenn", "dass", "bitte", "hallo",
))
# fmt: on


def deflection_terms(text: str, limit: int = 16) -> list[str]:
    """The words of what a customer typed worth looking up: three letters or more and
    not too common, each once, the longest first (long words say more about a problem
    than short ones)."""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(text))
    kept = [w for w in words if w not in STOP_WORDS]
    return sorted(kept, key=len, reverse=True)[:limit]
