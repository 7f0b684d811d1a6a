"""/kb: the knowledge base for agents and editors — categories, articles and their
translations, each translation's versions and status, readers' feedback, the figures
editors act on, and search across every article of the corporation (internal ones too).

Reading is for every agent; writing needs the ``manage_knowledge`` permission (403
otherwise). What customers and visitors may read is served by the portal
(``/portal/kb``), never here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.domain.knowledge import LANGUAGES
from casedesk.services.knowledge import articles, categories, desk, feedback
from casedesk.services.knowledge.schemas import (
    ArticleCreate,
    ArticleFigures,
    ArticleOut,
    ArticlePatch,
    CategoryCreate,
    CategoryOut,
    CategoryPatch,
    FeedbackOut,
    FileOut,
    Hit,
    StatusChange,
    TranslationIn,
    TranslationOut,
    TranslationPatch,
    VersionOut,
)
from casedesk.services.reference.common import no_nul

router = APIRouter(route_class=NativeRoute, prefix="/kb", tags=["knowledge base"], responses=ERRORS)

LanguageParam = Annotated[
    str | None, Query(pattern="^(" + "|".join(LANGUAGES) + ")$", description="e.g. en, de")
]


@router.get("/categories", response_model=list[CategoryOut])
def list_categories(caller: Caller, db: Db) -> list[CategoryOut]:
    return categories.list_categories(db, caller)


@router.post("/categories", status_code=201, response_model=CategoryOut)
def create_category(data: CategoryCreate, caller: Caller, db: Db) -> CategoryOut:
    return categories.create_category(db, caller, data)


@router.get("/categories/{category_id}", response_model=CategoryOut)
def get_category(category_id: RowId, caller: Caller, db: Db) -> CategoryOut:
    return categories.get_category(db, caller, category_id)


@router.patch("/categories/{category_id}", response_model=CategoryOut)
def update_category(
    category_id: RowId, patch: CategoryPatch, caller: Caller, db: Db
) -> CategoryOut:
    return categories.update_category(db, caller, category_id, patch)


@router.delete("/categories/{category_id}", status_code=204)
def delete_category(category_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while the category holds articles."""
    categories.delete_category(db, caller, category_id)


@router.get("/articles", response_model=list[ArticleOut])
def list_articles(
    caller: Caller,
    db: Db,
    category_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> list[ArticleOut]:
    """Every article with its translations, the most recently changed first."""
    return articles.list_articles(db, caller, category_id=category_id)


@router.post("/articles", status_code=201, response_model=ArticleOut)
def create_article(data: ArticleCreate, caller: Caller, db: Db) -> ArticleOut:
    """A new article with its first translation, as a draft."""
    return articles.create_article(db, caller, data)


@router.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: RowId, caller: Caller, db: Db) -> ArticleOut:
    return articles.get_article(db, caller, article_id)


@router.patch("/articles/{article_id}", response_model=ArticleOut)
def update_article(article_id: RowId, patch: ArticlePatch, caller: Caller, db: Db) -> ArticleOut:
    """Category and visibility (``public`` or ``internal``), for every translation."""
    return articles.update_article(db, caller, article_id, patch)


@router.delete("/articles/{article_id}", status_code=204)
def delete_article(article_id: RowId, caller: Caller, db: Db) -> None:
    articles.delete_article(db, caller, article_id)


@router.post("/articles/{article_id}/translations", status_code=201, response_model=TranslationOut)
def add_translation(
    article_id: RowId, data: TranslationIn, caller: Caller, db: Db
) -> TranslationOut:
    """The article in one more language (one translation per language), as a draft."""
    return articles.add_translation(db, caller, article_id, data)


@router.get("/articles/{article_id}/files", response_model=list[FileOut])
def list_files(article_id: RowId, caller: Caller, db: Db) -> list[FileOut]:
    """The article's images and files; Markdown shows them as ``![text](kbfile:<id>)``."""
    return desk.list_files(db, caller, article_id)


@router.get("/translations/{translation_id}", response_model=TranslationOut)
def get_translation(translation_id: RowId, caller: Caller, db: Db) -> TranslationOut:
    return articles.get_translation(db, caller, translation_id)


@router.patch("/translations/{translation_id}", response_model=TranslationOut)
def update_translation(
    translation_id: RowId, patch: TranslationPatch, caller: Caller, db: Db
) -> TranslationOut:
    """A new version of the text; the status stays."""
    return articles.update_translation(db, caller, translation_id, patch)


@router.post("/translations/{translation_id}/status", response_model=TranslationOut)
def change_status(
    translation_id: RowId, data: StatusChange, caller: Caller, db: Db
) -> TranslationOut:
    """``published``, ``archived`` or back to ``draft``; a move the rules do not allow
    is a 409."""
    return articles.change_status(db, caller, translation_id, data.status.value)


@router.get("/translations/{translation_id}/versions", response_model=list[VersionOut])
def list_versions(translation_id: RowId, caller: Caller, db: Db) -> list[VersionOut]:
    """Every saved version, newest first, with who saved it."""
    return articles.list_versions(db, caller, translation_id)


@router.get("/translations/{translation_id}/feedback", response_model=list[FeedbackOut])
def list_feedback(translation_id: RowId, caller: Caller, db: Db) -> list[FeedbackOut]:
    """What readers answered to "Was this helpful?", newest first."""
    return feedback.list_feedback(db, caller, translation_id)


@router.get("/figures", response_model=list[ArticleFigures])
def figures(caller: Caller, db: Db) -> list[ArticleFigures]:
    """Deflections (cases not opened) and helpful / not helpful answers per translation
    (editors only)."""
    return feedback.figures(db, caller)


@router.get("/search", response_model=list[Hit])
def search(
    caller: Caller,
    db: Db,
    q: Annotated[str, Query(min_length=1, max_length=200, description="words, as prefixes")],
    language: LanguageParam = None,
) -> list[Hit]:
    """Articles whose title or text hold every word, in one language or all."""
    return desk.find(db, caller, no_nul(q) or "", language)
