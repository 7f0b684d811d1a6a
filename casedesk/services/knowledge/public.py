"""What customers and signed-out visitors read: the published translations of public
articles, their categories, search, suggestions while a case is typed, the sitemap and
the files of those articles. Nothing else of the knowledge base is reachable from here:
every statement carries ``_readable`` (public, published, the reader's corporation),
so an internal article, a draft or an archived one answers exactly like one that does
not exist.

A signed-out visitor reads the knowledge base of the portal's corporation (the first
one: a casedesk serves one portal); a signed-in contact reads their own corporation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound
from casedesk.domain.knowledge import (
    LANGUAGES,
    ArticleStatus,
    Visibility,
    deflection_terms,
)
from casedesk.services.knowledge import rendering, search
from casedesk.services.knowledge.schemas import CategoryOut, Hit
from casedesk.store.db import Database
from casedesk.store.models import Corporation, KbArticle, KbCategory, KbFile, KbTranslation

_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads: the corporation whose knowledge base it is, and the contact if any."""

    corporation_id: int
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class PublicArticle:
    hit: Hit
    html: str
    description: str
    updated_at: datetime
    #: Other languages of the same article readers may see: (language, category slug, slug).
    other_languages: list[tuple[str, str, str]]


@dataclass(frozen=True, slots=True)
class PublicFile:
    storage_key: str
    filename: str
    content_type: str
    size: int


def visitor(db: Database) -> Reader:
    """A signed-out visitor: the portal's corporation."""
    with db.read() as s:
        corporation = s.scalar(select(func.min(Corporation.id)))
    return Reader(corporation or 0)


def categories(db: Database, reader: Reader, language: str) -> list[tuple[CategoryOut, int]]:
    """The categories with at least one readable article in ``language``, with how many."""
    with db.read() as s:
        count = func.count(KbTranslation.id)
        rows = s.execute(
            _hits_from(select(KbCategory, count), reader)
            .where(KbTranslation.language == language)
            .group_by(KbCategory.id)
            .order_by(KbCategory.position, KbCategory.name)
        ).all()
        return [(CategoryOut.model_validate(c), n) for c, n in rows]


def category_articles(
    db: Database, reader: Reader, language: str, category_slug: str
) -> tuple[CategoryOut, list[Hit]]:
    with db.read() as s:
        category = s.scalar(
            select(KbCategory).where(
                KbCategory.corporation_id == reader.corporation_id,
                KbCategory.slug == category_slug,
            )
        )
        if category is None:
            raise NotFound("no such category")
        hits = _hits(
            s,
            reader,
            [KbTranslation.language == language, KbCategory.id == category.id],
            order=[KbTranslation.title],
        )
        if not hits:
            raise NotFound("no such category")
        return CategoryOut.model_validate(category), hits


def article(
    db: Database, reader: Reader, language: str, category_slug: str, slug: str
) -> PublicArticle:
    with db.read() as s:
        row = s.execute(
            _hits_from(select(KbTranslation, KbCategory), reader).where(
                KbTranslation.language == language,
                KbTranslation.slug == slug,
                KbCategory.slug == category_slug,
            )
        ).one_or_none()
        if row is None:
            raise NotFound("no such article")
        translation, category = row
        files = {
            f.id: f.filename
            for f in s.scalars(select(KbFile).where(KbFile.article_id == translation.article_id))
        }
        others = _hits(
            s,
            reader,
            [
                KbTranslation.article_id == translation.article_id,
                KbTranslation.id != translation.id,
            ],
            order=[KbTranslation.language],
        )
        return PublicArticle(
            hit=_hit(translation, category, Visibility.PUBLIC.value),
            html=rendering.to_html(
                translation.body, file_base="/portal/kb/files", file_ids=files, file_names=files
            ),
            description=rendering.summary(translation.body, translation.summary),
            updated_at=translation.updated_at,
            other_languages=[(h.language, h.category_slug, h.slug) for h in others],
        )


def search_articles(
    db: Database, reader: Reader, language: str, text: str, *, limit: int = 20
) -> list[Hit]:
    """Readable translations in ``language`` holding every word of ``text`` (as prefixes)."""
    with db.read() as s:
        ids = search.matching(
            s, language, search.terms_of(text), where=_readable(reader), limit=limit
        )
        return _ordered(s, reader, ids)


def suggestions(
    db: Database, reader: Reader, language: str, text: str, *, limit: int = 3
) -> list[Hit]:
    """The readable translations that best match what a customer is typing: any of its
    longer words counts, the best-ranked first."""
    with db.read() as s:
        return suggestions_in(s, reader, language, text, limit=limit)


def suggestions_in(
    s: Session, reader: Reader, language: str, text: str, *, limit: int = 3
) -> list[Hit]:
    """``suggestions`` in an open transaction."""
    terms = deflection_terms(text)
    ids = search.matching(s, language, terms, where=_readable(reader), any_term=True, limit=limit)
    return _ordered(s, reader, ids)


def suggestions_for_mail(
    s: Session, corporation_id: int, text: str, *, limit: int = 3
) -> list[Hit]:
    """The best articles for a case that came by mail, whose language is not known: in
    each language the knowledge base has, the one that matches the most articles wins."""
    reader = Reader(corporation_id)
    found = set(s.scalars(_hits_from(select(KbTranslation.language), reader).distinct()))
    best: list[Hit] = []
    for code in LANGUAGES:
        if code in found:
            hits = suggestions_in(s, reader, code, text, limit=limit)
            if len(hits) > len(best):
                best = hits
    return best


def readable_translation(db: Database, reader: Reader, translation_id: int) -> Hit:
    """The translation if the reader may read it (for feedback and "this solved it")."""
    with db.read() as s:
        hits = _hits(s, reader, [KbTranslation.id == translation_id])
        if not hits:
            raise NotFound(f"article {translation_id} not found")
        return hits[0]


def sitemap(db: Database, reader: Reader) -> list[tuple[Hit, datetime]]:
    """Every readable translation with its last change, for ``sitemap.xml``."""
    with db.read() as s:
        rows = s.execute(
            _hits_from(select(KbTranslation, KbCategory), reader).order_by(KbTranslation.id)
        ).all()
        return [(_hit(t, c, Visibility.PUBLIC.value), t.updated_at) for t, c in rows]


def languages(db: Database, reader: Reader) -> list[str]:
    """The languages readers may read articles in."""
    with db.read() as s:
        found = s.scalars(_hits_from(select(KbTranslation.language), reader).distinct()).all()
        return [code for code in LANGUAGES if code in found]


def open_file(db: Database, reader: Reader, file_id: int) -> PublicFile:
    """A file of an article the reader may read in some language; NotFound otherwise."""
    with db.read() as s:
        readable = select(KbTranslation.article_id).where(*_readable(reader))
        row = s.scalar(
            select(KbFile)
            .join(KbArticle, KbArticle.id == KbFile.article_id)
            .where(KbFile.id == file_id, KbFile.article_id.in_(readable))
        )
        if row is None:
            raise NotFound(f"file {file_id} not found")
        return PublicFile(row.storage_key, row.filename, row.content_type, row.size)


def _readable(reader: Reader) -> list[ColumnElement[bool]]:
    return [
        KbTranslation.corporation_id == reader.corporation_id,
        KbTranslation.status == ArticleStatus.PUBLISHED.value,
        KbTranslation.article_id.in_(
            select(KbArticle.id).where(
                KbArticle.corporation_id == reader.corporation_id,
                KbArticle.visibility == Visibility.PUBLIC.value,
            )
        ),
    ]


def _hits_from(stmt: _S, reader: Reader) -> _S:
    return (
        stmt.select_from(KbTranslation)
        .join(KbArticle, KbArticle.id == KbTranslation.article_id)
        .join(KbCategory, KbCategory.id == KbArticle.category_id)
        .where(and_(*_readable(reader)))
    )


def _hits(
    s: Session,
    reader: Reader,
    where: list[ColumnElement[bool]],
    order: list[Any] | None = None,
) -> list[Hit]:
    stmt = _hits_from(select(KbTranslation, KbCategory), reader).where(*where)
    rows = s.execute(stmt.order_by(*(order or [KbTranslation.id]))).all()
    return [_hit(t, c, Visibility.PUBLIC.value) for t, c in rows]


def _ordered(s: Session, reader: Reader, ids: list[int]) -> list[Hit]:
    if not ids:
        return []
    by_id = {h.translation_id: h for h in _hits(s, reader, [KbTranslation.id.in_(ids)])}
    return [by_id[i] for i in ids if i in by_id]


def _hit(t: KbTranslation, c: KbCategory, visibility: str) -> Hit:
    return Hit(
        translation_id=t.id,
        article_id=t.article_id,
        language=t.language,
        slug=t.slug,
        title=t.title,
        summary=rendering.summary(t.body, t.summary),
        category_slug=c.slug,
        category_name=c.name,
        visibility=visibility,
        status=t.status,
    )
