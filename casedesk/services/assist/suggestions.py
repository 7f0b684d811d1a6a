"""The agent's choice about a suggested category: taken, refused, or another category.

Whichever way the category changes (the "use suggestion" button, the case form, any
API), a listener on the case events records the choice in the same transaction: the
suggestion was taken when the new category is the suggested one, otherwise the agent's
own category is kept as ``orig_human_category_id`` (SuperOffice ``OrigHumanCategoryId``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.assist.settings import settings_of
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseOut, CasePatch
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.audit import Event
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseInsight


def accept_suggestion(db: Database, principal: Principal, case_id: int) -> CaseOut:
    """Set the case's category to the suggested one (through ``update_case``)."""
    with db.read() as s:
        load_case(s, principal, case_id, Permission.EDIT_CASE)
        suggested = s.scalar(
            select(CaseInsight.suggested_category_id).where(CaseInsight.case_id == case_id)
        )
    if suggested is None:
        raise ValidationFailed("the case has no suggested category", field="case_id")
    return cases.update_case(db, principal, case_id, CasePatch(category_id=suggested))


def refuse_suggestion(db: Database, principal: Principal, case_id: int) -> None:
    """Record that the agent did not take the suggestion (the category stays as it is)."""
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.EDIT_CASE)
        insight = s.get(CaseInsight, case_id)
        if insight is None or insight.suggested_category_id is None:
            raise ValidationFailed("the case has no suggested category", field="case_id")
        if insight.suggestion_taken is None:
            insight.suggestion_taken = False
            insight.updated_at = utcnow()
            audit.record(
                s,
                principal,
                case.corporation_id,
                "assist.suggestion-refused",
                "case",
                case.id,
                case_id=case.id,
                changes={
                    "suggested_category_id": {"from": None, "to": insight.suggested_category_id}
                },
            )


def on_events(session: Session, events: list[Event]) -> None:
    """Record the agent's choice when a case with a pending suggestion gets a category."""
    for _corp, topic, payload in events:
        if topic != "case.updated" or "category_id" not in payload.get("fields", ()):
            continue
        insight = session.get(CaseInsight, payload["case_id"])
        if insight is None or insight.suggested_category_id is None:
            continue
        if insight.suggestion_taken or insight.orig_human_category_id is not None:
            continue
        chosen = session.scalar(select(Case.category_id).where(Case.id == payload["case_id"]))
        if chosen is None:
            continue
        if chosen == insight.suggested_category_id:
            insight.suggestion_taken = True
        else:
            insight.suggestion_taken = False
            insight.orig_human_category_id = chosen
        insight.updated_at = utcnow()


def to_apply(s: Session, case_id: int) -> int | None:
    """The suggested category the ``apply_suggestion`` rule action may set: the case has
    no category, the agent has not refused it, and its confidence reaches the admin's
    threshold (no threshold: never)."""
    row = s.execute(
        select(Case.corporation_id, Case.category_id, CaseInsight)
        .join(CaseInsight, CaseInsight.case_id == Case.id)
        .where(Case.id == case_id)
    ).first()
    if row is None or row.category_id is not None:
        return None
    insight: CaseInsight = row.CaseInsight
    conf = settings_of(s, row.corporation_id)
    threshold = conf.auto_apply_confidence
    if not conf.category or threshold is None or insight.suggestion_taken is False:
        return None
    if insight.suggested_category_id is None or (insight.suggestion_confidence or 0) < threshold:
        return None
    return insight.suggested_category_id
