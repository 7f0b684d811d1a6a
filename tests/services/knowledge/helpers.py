"""Plain factories for knowledge-base tests."""

from __future__ import annotations

from casedesk.domain.permissions import Principal
from casedesk.services.knowledge import articles, categories
from casedesk.services.knowledge.schemas import (
    ArticleCreate,
    ArticleOut,
    CategoryCreate,
    TranslationIn,
)
from casedesk.store.db import Database


def make_category(db: Database, principal: Principal, name: str = "Printing") -> int:
    return categories.create_category(db, principal, CategoryCreate(name=name)).id


def make_article(
    db: Database,
    principal: Principal,
    category_id: int,
    *,
    title: str = "Printer does not print",
    body: str = "Turn the printer off and on again, then check the paper tray.",
    visibility: str = "public",
    language: str = "en",
    publish: bool = True,
) -> ArticleOut:
    made = articles.create_article(
        db,
        principal,
        ArticleCreate(
            category_id=category_id,
            language=language,
            title=title,
            body=body,
            visibility=visibility,  # type: ignore[arg-type]
        ),
    )
    if publish:
        articles.change_status(db, principal, made.translations[0].id, "published")
    return articles.get_article(db, principal, made.id)


def translate(
    db: Database, principal: Principal, article_id: int, language: str, title: str, body: str
) -> int:
    made = articles.add_translation(
        db, principal, article_id, TranslationIn(language=language, title=title, body=body)
    )
    articles.change_status(db, principal, made.id, "published")
    return made.id
