"""Plain functions creating the minimum rows a store test needs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.store.models import Case, CaseStatus, Corporation, Group, Priority


def corporation(session: Session) -> Corporation:
    """The one corporation of a test, with a default group, status and priority."""
    existing = session.scalars(select(Corporation).limit(1)).first()
    if existing is not None:
        return existing
    corp = Corporation(name="Acme", case_prefix="AC")
    session.add(corp)
    session.flush()
    session.add_all(
        [
            Group(corporation_id=corp.id, name="Support", is_default=True),
            CaseStatus(
                corporation_id=corp.id,
                name="Open",
                internal_status=1,
                is_default=True,
                clock="internal",
            ),
            Priority(corporation_id=corp.id, name="Normal", is_default=True),
        ]
    )
    session.flush()
    return corp


def case(session: Session, title: str = "A case", description: str = "") -> Case:
    corp = corporation(session)
    group = session.scalars(select(Group).where(Group.corporation_id == corp.id)).one()
    status = session.scalars(select(CaseStatus).where(CaseStatus.corporation_id == corp.id)).one()
    priority = session.scalars(select(Priority).where(Priority.corporation_id == corp.id)).one()
    number = len(session.scalars(select(Case.id)).all()) + 1
    new = Case(
        corporation_id=corp.id,
        number=number,
        title=title,
        description=description,
        status=status.internal_status,
        status_id=status.id,
        priority_id=priority.id,
        group_id=group.id,
    )
    session.add(new)
    session.flush()
    return new
