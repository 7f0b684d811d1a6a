"""What the knowledge base's use-cases take and give back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from casedesk.domain.knowledge import SLUG_PATTERN, ArticleStatus, Visibility
from casedesk.services.reference.common import Id, In, Out

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Markdown = Annotated[str, Field(min_length=1, max_length=200_000)]
Language = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=8)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class CategoryCreate(In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    slug: Slug | None = Field(default=None, description="Omitted: made from the name.")
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    position: Annotated[int, Field(ge=0, le=10_000)] = 0


class CategoryPatch(In):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    slug: Slug | None = None
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None
    ) = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None


class CategoryOut(Out):
    id: int
    slug: str
    name: str
    description: str
    position: int


class TranslationIn(In):
    language: Language = Field(description="One of the knowledge base's languages, e.g. en, de.")
    title: Title
    body: Markdown = Field(description="Markdown; raw HTML is sanitised when shown.")
    slug: Slug | None = Field(default=None, description="Omitted: made from the title.")
    summary: Summary = Field(default="", description="Meta description; omitted: the body's start.")


class ArticleCreate(TranslationIn):
    category_id: Id
    visibility: Visibility = Visibility.INTERNAL


class ArticlePatch(In):
    category_id: Id | None = None
    visibility: Visibility | None = None


class TranslationPatch(In):
    title: Title | None = None
    body: Markdown | None = None
    slug: Slug | None = None
    summary: Summary | None = None


class StatusChange(In):
    status: ArticleStatus


class TranslationOut(Out):
    id: int
    article_id: int
    language: str
    slug: str
    title: str
    body: str
    summary: str
    status: str
    version: int
    updated_by_id: int | None
    updated_at: datetime
    published_at: datetime | None


class ArticleOut(BaseModel):
    id: int
    category_id: int
    visibility: str
    created_at: datetime
    updated_at: datetime
    translations: list[TranslationOut]


class VersionOut(Out):
    version: int
    title: str
    body: str
    status: str
    change: str
    changed_by_id: int | None
    changed_at: datetime


class FileOut(Out):
    id: int
    article_id: int
    filename: str
    content_type: str
    size: int
    created_at: datetime


class FeedbackIn(In):
    helpful: bool
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class FeedbackOut(Out):
    id: int
    translation_id: int
    helpful: bool
    comment: str
    created_at: datetime


class ArticleFigures(BaseModel):
    """How one translation fared: deflections and "Was this helpful?" answers."""

    translation_id: int
    article_id: int
    language: str
    title: str
    status: str
    deflections: int
    helpful: int
    not_helpful: int


class Hit(BaseModel):
    """A search result: a translation readers may see, with where it lives."""

    translation_id: int
    article_id: int
    language: str
    slug: str
    title: str
    summary: str
    category_slug: str
    category_name: str
    visibility: str
    status: str
