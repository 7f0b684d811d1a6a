"""The knowledge base at the agents' desk: searching every article (internal ones too)
for the composer's picker, an article's files (images and attachments) and turning a
case's answer into a draft article.

Files go through the attachments context's receiving (size cap, SHA-256, type from the
bytes, a clean name) into the blob store, as case attachments do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.knowledge import DEFAULT_LANGUAGE, LANGUAGES
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments.files import Upload, discard, store_uploads
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.knowledge import articles, rendering, search
from casedesk.services.knowledge.schemas import ArticleCreate, ArticleOut, FileOut, Hit
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import CaseMessage, KbArticle, KbCategory, KbFile, KbTranslation

MAX_FILES_PER_ARTICLE = 50


@dataclass(frozen=True, slots=True)
class AgentFile:
    storage_key: str
    filename: str
    content_type: str
    size: int


def find(
    db: Database, principal: Principal, text: str, language: str | None = None, *, limit: int = 10
) -> list[Hit]:
    """Every translation of the caller's corporation matching ``text`` (all its words as
    prefixes), in one language or, without one, in each language in turn."""
    terms = search.terms_of(text)
    where = [KbTranslation.corporation_id == principal.corporation_id]
    with db.read() as s:
        ids: list[int] = []
        for code in [language] if language else list(LANGUAGES):
            ids += search.matching(s, code, terms, where=where, limit=limit)
            if len(ids) >= limit:
                break
        rows = s.execute(
            select(KbTranslation, KbCategory, KbArticle.visibility)
            .join(KbArticle, KbArticle.id == KbTranslation.article_id)
            .join(KbCategory, KbCategory.id == KbArticle.category_id)
            .where(KbTranslation.id.in_(ids[:limit]))
        ).all()
        by_id = {
            t.id: Hit(
                translation_id=t.id,
                article_id=t.article_id,
                language=t.language,
                slug=t.slug,
                title=t.title,
                summary=rendering.summary(t.body, t.summary),
                category_slug=c.slug,
                category_name=c.name,
                visibility=v,
                status=t.status,
            )
            for t, c, v in rows
        }
        return [by_id[i] for i in ids[:limit] if i in by_id]


def rendered(db: Database, principal: Principal, translation_id: int, file_base: str) -> str:
    """A translation's HTML for agents (any status, internal too)."""
    with db.read() as s:
        row = articles.load_translation(s, principal, translation_id)
        names = _file_names(s, row.article_id)
        return rendering.to_html(row.body, file_base=file_base, file_ids=names, file_names=names)


def preview(db: Database, principal: Principal, article_id: int, markdown: str) -> str:
    """What ``markdown`` would look like in the article (for the editor's preview)."""
    with db.read() as s:
        article = articles.load(s, principal, article_id) if article_id else None
        names = _file_names(s, article.id) if article else {}
        return rendering.to_html(
            markdown, file_base="/console/kb/files", file_ids=names, file_names=names
        )


def add_files(
    db: Database,
    blobs: BlobStore,
    principal: Principal,
    article_id: int,
    uploads: Sequence[Upload],
    max_bytes: int,
) -> list[FileOut]:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.read() as s:
        article = articles.load(s, principal, article_id)
        have = len(_file_names(s, article.id))
    if have + len(uploads) > MAX_FILES_PER_ARTICLE:
        raise ValidationFailed(
            f"an article has at most {MAX_FILES_PER_ARTICLE} files", field="files"
        )
    stored = store_uploads(blobs, uploads, max_bytes)
    try:
        with db.write() as s:
            article = articles.load(s, principal, article_id)
            rows = []
            for received, key in stored:
                row = KbFile(
                    article_id=article.id,
                    filename=received.filename,
                    storage_key=key,
                    content_type=received.content_type,
                    size=received.size,
                    sha256=received.sha256,
                    uploaded_by_id=principal.user_id or None,
                    created_at=utcnow(),
                )
                s.add(row)
                s.flush()
                audit.record(
                    s,
                    principal,
                    article.corporation_id,
                    "kb_file.added",
                    "kb_article",
                    article.id,
                    changes={"file": {"from": None, "to": row.filename}},
                )
                rows.append(FileOut.model_validate(row))
            return rows
    except BaseException:
        discard(blobs, stored)
        raise


def list_files(db: Database, principal: Principal, article_id: int) -> list[FileOut]:
    with db.read() as s:
        article = articles.load(s, principal, article_id)
        rows = s.scalars(select(KbFile).where(KbFile.article_id == article.id).order_by(KbFile.id))
        return [FileOut.model_validate(r) for r in rows]


def open_file(db: Database, principal: Principal, file_id: int) -> AgentFile:
    with db.read() as s:
        row = s.get(KbFile, file_id)
        if row is None:
            raise NotFound(f"file {file_id} not found")
        articles.load(s, principal, row.article_id)  # the corporation's, else NotFound
        return AgentFile(row.storage_key, row.filename, row.content_type, row.size)


def draft_from_case(
    db: Database,
    principal: Principal,
    case_id: int,
    message_id: int,
    category_id: int,
    language: str = DEFAULT_LANGUAGE,
) -> ArticleOut:
    """A new internal draft article made of a case's answer: the case's title, the
    message's text. An editor then edits it, and publishes or makes it public."""
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.read() as s:
        case = load_case(s, principal, case_id)
        message = s.get(CaseMessage, message_id)
        if message is None or message.case_id != case.id:
            raise NotFound(f"message {message_id} not found on case {case_id}")
        title = case.title or f"Case {case.id}"
        body = message.body_text.strip() or "(empty)"
    return articles.create_article(
        db,
        principal,
        ArticleCreate(
            category_id=category_id, language=language, title=title[:300], body=body[:200_000]
        ),
    )


def _file_names(s: Session, article_id: int) -> dict[int, str]:
    return {
        f.id: f.filename for f in s.scalars(select(KbFile).where(KbFile.article_id == article_id))
    }
