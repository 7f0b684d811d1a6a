"""The answers, as agents may read them: an agent sees the surveys of their groups'
cases only, an admin every group's, a caller limited to one organization only its
cases'; a survey of another group is not found, like a missing one. The scores per
agent, group and period are ``reports.satisfaction``'s."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Select, select

from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import Case, Survey

MAX_LIMIT = 500


class SurveyOut(BaseModel):
    id: int
    case_id: int
    agent_id: int | None
    group_id: int | None
    sent_at: datetime
    rating: str | None
    comment: str
    answered_at: datetime | None


def _out(row: Survey) -> SurveyOut:
    return SurveyOut(
        id=row.id,
        case_id=row.case_id,
        agent_id=row.agent_id,
        group_id=row.group_id,
        sent_at=row.sent_at,
        rating=row.rating,
        comment=row.comment,
        answered_at=row.answered_at,
    )


def _visible(principal: Principal) -> Select[Survey]:
    principal.require(Permission.VIEW_CASE)
    stmt = select(Survey).where(Survey.corporation_id == principal.corporation_id)
    groups = principal.visible_group_ids
    if groups is not None:
        stmt = stmt.where(Survey.group_id.in_(groups))
    if principal.organization_id is not None:
        cases = select(Case.id).where(Case.organization_id == principal.organization_id)
        stmt = stmt.where(Survey.case_id.in_(cases))
    return stmt


def list_surveys(
    db: Database,
    principal: Principal,
    *,
    rating: str | None = None,
    answered: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[SurveyOut]:
    stmt = _visible(principal)
    if rating is not None:
        stmt = stmt.where(Survey.rating == rating)
    if answered is not None:
        done = Survey.answered_at.is_not(None)
        stmt = stmt.where(done if answered else ~done)
    stmt = stmt.order_by(Survey.id.desc()).limit(min(limit, MAX_LIMIT)).offset(offset)
    with db.read() as s:
        return [_out(r) for r in s.scalars(stmt)]


def get_survey(db: Database, principal: Principal, survey_id: int) -> SurveyOut:
    with db.read() as s:
        row = s.scalars(_visible(principal).where(Survey.id == survey_id)).one_or_none()
        if row is None:
            raise NotFound(f"survey {survey_id} not found", survey_id=survey_id)
        return _out(row)


def for_case(db: Database, principal: Principal, case_id: int) -> SurveyOut | None:
    """The survey of a case the caller may see (NotFound for one they may not), or None."""
    with db.read() as s:
        load_case(s, principal, case_id)
        row = s.scalars(select(Survey).where(Survey.case_id == case_id)).one_or_none()
        return _out(row) if row is not None else None
