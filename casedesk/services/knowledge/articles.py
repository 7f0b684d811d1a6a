"""Writing articles: create one with its first translation, add translations in other
languages, edit, move along draft -> published -> archived, change category and
visibility, and read every saved version.

Every agent of the corporation reads every article (internal ones are for them);
writing needs ``manage_knowledge``. Each save of a translation is a new version row
(title, body, status, who and when) and an audit entry, so "who changed what" is both
in the article's history and in the corporation's audit log.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, NotFound
from casedesk.domain.knowledge import (
    MAX_SLUG,
    ArticleStatus,
    check_language,
    check_slug,
    check_transition,
    slugify,
)
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.knowledge import categories, rendering
from casedesk.services.knowledge.schemas import (
    ArticleCreate,
    ArticleOut,
    ArticlePatch,
    TranslationIn,
    TranslationOut,
    TranslationPatch,
    VersionOut,
)
from casedesk.store.db import Database
from casedesk.store.models import KbArticle, KbTranslation, KbVersion


def list_articles(
    db: Database, principal: Principal, *, category_id: int | None = None, limit: int = 500
) -> list[ArticleOut]:
    """Every article of the corporation (agents see internal ones too), newest first."""
    with db.read() as s:
        stmt = select(KbArticle).where(KbArticle.corporation_id == principal.corporation_id)
        if category_id is not None:
            stmt = stmt.where(KbArticle.category_id == category_id)
        articles = list(s.scalars(stmt.order_by(KbArticle.updated_at.desc()).limit(limit)))
        return [_out(s, a) for a in articles]


def get_article(db: Database, principal: Principal, article_id: int) -> ArticleOut:
    with db.read() as s:
        return _out(s, load(s, principal, article_id))


def create_article(db: Database, principal: Principal, data: ArticleCreate) -> ArticleOut:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    now = utcnow()
    with db.write() as s:
        categories.load(s, principal.corporation_id, data.category_id)
        article = KbArticle(
            corporation_id=principal.corporation_id,
            category_id=data.category_id,
            visibility=data.visibility.value,
            created_by_id=principal.user_id or None,
            created_at=now,
            updated_at=now,
        )
        s.add(article)
        s.flush()
        audit.record(
            s,
            principal,
            article.corporation_id,
            "kb_article.created",
            "kb_article",
            article.id,
            changes={"visibility": {"from": None, "to": article.visibility}},
        )
        _add_translation(s, principal, article, data)
        return _out(s, article)


def add_translation(
    db: Database, principal: Principal, article_id: int, data: TranslationIn
) -> TranslationOut:
    """The article in one more language, as a draft."""
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        article = load(s, principal, article_id)
        return TranslationOut.model_validate(_add_translation(s, principal, article, data))


def update_article(
    db: Database, principal: Principal, article_id: int, patch: ArticlePatch
) -> ArticleOut:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        article = load(s, principal, article_id)
        before = {"category_id": article.category_id, "visibility": article.visibility}
        if patch.category_id is not None:
            categories.load(s, principal.corporation_id, patch.category_id)
            article.category_id = patch.category_id
        if patch.visibility is not None:
            article.visibility = patch.visibility.value
        after = {"category_id": article.category_id, "visibility": article.visibility}
        changes = audit.diff(before, after)
        if changes:
            article.updated_at = utcnow()
            audit.record(
                s,
                principal,
                article.corporation_id,
                "kb_article.updated",
                "kb_article",
                article.id,
                changes=changes,
            )
        s.flush()
        return _out(s, article)


def update_translation(
    db: Database, principal: Principal, translation_id: int, patch: TranslationPatch
) -> TranslationOut:
    """A new version of the translation's text (its status stays as it is)."""
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        row = load_translation(s, principal, translation_id)
        before = {"title": row.title, "body": row.body, "slug": row.slug, "summary": row.summary}
        if patch.slug is not None and patch.slug != row.slug:
            _refuse_slug(s, row.corporation_id, row.language, patch.slug, row.id)
        for field in ("title", "body", "slug", "summary"):
            value = getattr(patch, field)
            if value is not None:
                setattr(row, field, value)
        after = {"title": row.title, "body": row.body, "slug": row.slug, "summary": row.summary}
        changes = audit.diff(before, after)
        if changes:
            row.search_text = _search_text(row.title, row.body)
            _new_version(s, principal, row, "edited", changes)
        s.flush()
        return TranslationOut.model_validate(row)


def change_status(
    db: Database, principal: Principal, translation_id: int, status: str
) -> TranslationOut:
    """Publish, archive or take back to draft one translation."""
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        row = load_translation(s, principal, translation_id)
        target = check_transition(row.status, status)
        if target != row.status:
            changes: audit.Changes = {"status": {"from": row.status, "to": target.value}}
            row.status = target.value
            if target == ArticleStatus.PUBLISHED:
                row.published_at = utcnow()
            _new_version(s, principal, row, target.value, changes)
        s.flush()
        return TranslationOut.model_validate(row)


def delete_article(db: Database, principal: Principal, article_id: int) -> None:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        article = load(s, principal, article_id)
        audit.record(
            s,
            principal,
            article.corporation_id,
            "kb_article.deleted",
            "kb_article",
            article.id,
            changes={"visibility": {"from": article.visibility, "to": None}},
        )
        s.delete(article)


def list_versions(db: Database, principal: Principal, translation_id: int) -> list[VersionOut]:
    with db.read() as s:
        row = load_translation(s, principal, translation_id)
        versions = s.scalars(
            select(KbVersion)
            .where(KbVersion.translation_id == row.id)
            .order_by(KbVersion.version.desc())
        )
        return [VersionOut.model_validate(v) for v in versions]


def get_translation(db: Database, principal: Principal, translation_id: int) -> TranslationOut:
    with db.read() as s:
        return TranslationOut.model_validate(load_translation(s, principal, translation_id))


def load(s: Session, principal: Principal, article_id: int) -> KbArticle:
    """The article if it is the caller's corporation's; NotFound otherwise."""
    row = s.get(KbArticle, article_id)
    if row is None or row.corporation_id != principal.corporation_id:
        raise NotFound(f"article {article_id} not found")
    return row


def load_translation(s: Session, principal: Principal, translation_id: int) -> KbTranslation:
    row = s.get(KbTranslation, translation_id)
    if row is None or row.corporation_id != principal.corporation_id:
        raise NotFound(f"translation {translation_id} not found")
    return row


def _add_translation(
    s: Session, principal: Principal, article: KbArticle, data: TranslationIn
) -> KbTranslation:
    language = check_language(data.language)
    taken = s.scalar(
        select(KbTranslation.id).where(
            KbTranslation.article_id == article.id, KbTranslation.language == language
        )
    )
    if taken is not None:
        raise Conflict(f"the article has a {language} translation already", field="language")
    if data.slug:
        slug = check_slug(data.slug)
        _refuse_slug(s, article.corporation_id, language, slug, 0)
    else:
        slug = _free_slug(s, article.corporation_id, language, slugify(data.title))
    now = utcnow()
    row = KbTranslation(
        corporation_id=article.corporation_id,
        article_id=article.id,
        language=language,
        slug=slug,
        title=data.title,
        body=data.body,
        summary=data.summary,
        status=ArticleStatus.DRAFT.value,
        version=0,
        search_text=_search_text(data.title, data.body),
        updated_by_id=principal.user_id or None,
        created_at=now,
        updated_at=now,
    )
    s.add(row)
    s.flush()
    _new_version(s, principal, row, "created", {"title": {"from": None, "to": row.title}})
    return row


def _new_version(
    s: Session, principal: Principal, row: KbTranslation, change: str, changes: audit.Changes
) -> None:
    now = utcnow()
    row.version += 1
    row.updated_at = now
    row.updated_by_id = principal.user_id or None
    s.add(
        KbVersion(
            translation_id=row.id,
            version=row.version,
            title=row.title,
            body=row.body,
            status=row.status,
            change=change,
            changed_by_id=principal.user_id or None,
            changed_at=now,
        )
    )
    audit.record(
        s,
        principal,
        row.corporation_id,
        f"kb_translation.{change}",
        "kb_translation",
        row.id,
        changes=changes,
    )


def _refuse_slug(s: Session, corporation_id: int, language: str, slug: str, own_id: int) -> None:
    clash = s.scalar(
        select(KbTranslation.id).where(
            KbTranslation.corporation_id == corporation_id,
            KbTranslation.language == language,
            KbTranslation.slug == slug,
            KbTranslation.id != own_id,
        )
    )
    if clash is not None:
        raise Conflict(f"an article in {language} has the slug {slug!r} already", field="slug")


def _free_slug(s: Session, corporation_id: int, language: str, wanted: str) -> str:
    """``wanted``, or with ``-2``, ``-3``, … when another article has it already."""
    taken = set(
        s.scalars(
            select(KbTranslation.slug).where(
                KbTranslation.corporation_id == corporation_id,
                KbTranslation.language == language,
                KbTranslation.slug.startswith(wanted, autoescape=True),
            )
        )
    )
    slug, n = wanted, 1
    while slug in taken:
        n += 1
        slug = f"{wanted[: MAX_SLUG - 8]}-{n}"
    return slug


def _search_text(title: str, body: str) -> str:
    return f"{title} {rendering.to_text(body)}".replace("\x00", " ")


def _out(s: Session, article: KbArticle) -> ArticleOut:
    translations = s.scalars(
        select(KbTranslation)
        .where(KbTranslation.article_id == article.id)
        .order_by(KbTranslation.language)
    )
    return ArticleOut(
        id=article.id,
        category_id=article.category_id,
        visibility=article.visibility,
        created_at=article.created_at,
        updated_at=article.updated_at,
        translations=[TranslationOut.model_validate(t) for t in translations],
    )
