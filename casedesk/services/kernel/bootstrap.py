"""A new corporation with the defaults every rule needs: one user status per internal
status (each the default), three priorities, a default group, and its case counter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.clock import clock_class_for
from casedesk.domain.numbering import validate_prefix
from casedesk.domain.statuses import InternalStatus
from casedesk.store.models import CaseCounter, CaseStatus, Corporation, Group, Priority

DEFAULT_STATUS_NAMES = {
    InternalStatus.OPEN: "Open",
    InternalStatus.CLOSED: "Closed",
    InternalStatus.AWAITING_EXTERNAL: "Awaiting customer",
    InternalStatus.DELETED: "Deleted",
    InternalStatus.MERGED: "Merged",
    InternalStatus.SPAM: "Spam",
    InternalStatus.AWAITING_INTERNAL: "Awaiting internal action",
    InternalStatus.ON_HOLD: "On hold",
}
DEFAULT_PRIORITIES = (("Low", 30, False), ("Medium", 20, True), ("High", 10, False))


def create_corporation(s: Session, name: str, case_prefix: str = "") -> Corporation:
    corp = Corporation(name=name, case_prefix=validate_prefix(case_prefix))
    s.add(corp)
    s.flush()
    s.add(CaseCounter(corporation_id=corp.id, last_number=0))
    for internal, label in DEFAULT_STATUS_NAMES.items():
        s.add(
            CaseStatus(
                corporation_id=corp.id,
                name=label,
                internal_status=int(internal),
                is_default=True,
                clock=clock_class_for(internal).value,
            )
        )
    for label, rank, default in DEFAULT_PRIORITIES:
        s.add(Priority(corporation_id=corp.id, name=label, rank=rank, is_default=default))
    s.add(Group(corporation_id=corp.id, name="Support", is_default=True))
    s.flush()
    return corp


def default_corporation(s: Session) -> Corporation:
    """The first corporation, created with defaults when there is none yet."""
    corp = s.scalars(select(Corporation).order_by(Corporation.id).limit(1)).one_or_none()
    return corp if corp is not None else create_corporation(s, "Default", "TCK-")
