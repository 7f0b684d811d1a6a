"""What the faces show of the assist: a case's insight, and cases found by them.

Every read goes through the caller's visibility filter; a part a corporation turned off
reads as not computed (null), whatever was computed before.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.assist.settings import AssistSettingsOut, settings_of
from casedesk.services.kernel.access import load_case, readable_cases
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseInsight, Category, MessageInsight


class InsightOut(BaseModel):
    case_id: int
    #: ISO 639-1 of the first external message.
    language: str | None = None
    #: negative | neutral | positive | unknown (a language it does not cover).
    sentiment: str | None = None
    #: 0 (most negative) … 500 (neutral) … 1000 (most positive).
    sentiment_index: int | None = None
    #: 0 … 1000.
    sentiment_confidence: int | None = None
    suggested_category_id: int | None = None
    suggested_category_name: str | None = None
    #: Percent.
    suggestion_confidence: int | None = None
    suggestion_taken: bool | None = None
    orig_human_category_id: int | None = None
    duplicate_of_id: int | None = None
    #: Language of each message looked at, by message id.
    message_languages: dict[int, str | None] = Field(default_factory=dict)


class InsightFilter(BaseModel):
    language: str | None = Field(default=None, max_length=8)
    sentiment: str | None = Field(default=None, pattern="^(negative|neutral|positive|unknown)$")
    sentiment_min: int | None = Field(default=None, ge=0, le=1000)
    sentiment_max: int | None = Field(default=None, ge=0, le=1000)
    suggested_category_id: int | None = Field(default=None, ge=1, le=2**53)
    has_suggestion: bool | None = None
    limit: int = Field(default=50, ge=1, le=500)
    after_id: int = Field(default=0, ge=0, le=2**53)


def case_insight(db: Database, principal: Principal, case_id: int) -> InsightOut:
    """The insight of a case the caller may see (empty when not computed yet)."""
    with db.read() as s:
        case = load_case(s, principal, case_id)
        conf = settings_of(s, case.corporation_id)
        row = s.get(CaseInsight, case_id)
        out = _out(s, principal, conf, case_id, row)
        if conf.language:
            out.message_languages = dict(
                s.execute(
                    select(MessageInsight.message_id, MessageInsight.language)
                    .where(MessageInsight.case_id == case_id)
                    .order_by(MessageInsight.message_id)
                ).all()
            )
        return out


def find_cases(db: Database, principal: Principal, f: InsightFilter) -> list[InsightOut]:
    """Insights of the visible cases that match ``f``, by case id, ``limit`` at most."""
    if (
        f.sentiment_min is not None
        and f.sentiment_max is not None
        and f.sentiment_min > f.sentiment_max
    ):
        raise ValidationFailed("sentiment_min is above sentiment_max", field="sentiment_min")
    with db.read() as s:
        conf = settings_of(s, principal.corporation_id)
        visible = readable_cases(principal).with_only_columns(Case.id)
        stmt = (
            select(CaseInsight)
            .where(
                CaseInsight.case_id.in_(visible.scalar_subquery()), CaseInsight.case_id > f.after_id
            )
            .order_by(CaseInsight.case_id)
            .limit(f.limit)
        )
        if f.language is not None:
            _need(conf.language, "language")
            stmt = stmt.where(CaseInsight.language == f.language.lower())
        if f.sentiment is not None or f.sentiment_min is not None or f.sentiment_max is not None:
            _need(conf.sentiment, "sentiment")
        if f.sentiment is not None:
            stmt = stmt.where(CaseInsight.sentiment == f.sentiment)
        if f.sentiment_min is not None:
            stmt = stmt.where(CaseInsight.sentiment_index >= f.sentiment_min)
        if f.sentiment_max is not None:
            stmt = stmt.where(CaseInsight.sentiment_index <= f.sentiment_max)
        if f.suggested_category_id is not None or f.has_suggestion is not None:
            _need(conf.category, "suggested_category_id")
        if f.suggested_category_id is not None:
            stmt = stmt.where(CaseInsight.suggested_category_id == f.suggested_category_id)
        if f.has_suggestion is True:
            stmt = stmt.where(CaseInsight.suggested_category_id.is_not(None))
        elif f.has_suggestion is False:
            stmt = stmt.where(CaseInsight.suggested_category_id.is_(None))
        return [_out(s, principal, conf, r.case_id, r) for r in s.scalars(stmt)]


def _need(on: bool, field: str) -> None:
    if not on:
        raise ValidationFailed(f"this part of the assist is turned off: {field}", field=field)


def _out(
    s: Session, principal: Principal, conf: AssistSettingsOut, case_id: int, row: CaseInsight | None
) -> InsightOut:
    out = InsightOut(case_id=case_id)
    if row is None:
        return out
    if conf.language:
        out.language = row.language
    if conf.sentiment:
        out.sentiment = row.sentiment
        out.sentiment_index = row.sentiment_index
        out.sentiment_confidence = row.sentiment_confidence
    if conf.category:
        out.suggested_category_id = row.suggested_category_id
        out.suggestion_confidence = row.suggestion_confidence
        out.suggestion_taken = row.suggestion_taken
        out.orig_human_category_id = row.orig_human_category_id
        if row.suggested_category_id is not None:
            out.suggested_category_name = s.scalar(
                select(Category.name).where(Category.id == row.suggested_category_id)
            )
    if (
        conf.similar
        and row.duplicate_of_id is not None
        and _visible(s, principal, row.duplicate_of_id)
    ):
        out.duplicate_of_id = row.duplicate_of_id
    return out


def _visible(s: Session, principal: Principal, case_id: int) -> bool:
    try:
        load_case(s, principal, case_id)
    except NotFound:
        return False
    return True


def badges(db: Database, principal: Principal, case_ids: list[int]) -> dict[int, InsightOut]:
    """The insights of the listed cases the caller may see, for the list's badges."""
    if not case_ids:
        return {}
    with db.read() as s:
        conf = settings_of(s, principal.corporation_id)
        visible = readable_cases(principal).with_only_columns(Case.id)
        rows = s.scalars(
            select(CaseInsight).where(
                CaseInsight.case_id.in_(case_ids),
                CaseInsight.case_id.in_(visible.scalar_subquery()),
            )
        )
        return {r.case_id: _out(s, principal, conf, r.case_id, r) for r in rows}
