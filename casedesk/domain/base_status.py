"""Base statuses: the four coarse states SuperOffice shows a ticket in (Active, Closed,
Postponed, Deleted) and how the eight internal statuses fall into them.

Seed 001 names the four; the mapping both ways is a rule of the product, so every face
that shows or accepts a base status gets the same answer.
"""

from __future__ import annotations

from enum import StrEnum

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.statuses import InternalStatus


class BaseStatus(StrEnum):
    ACTIVE = "Active"
    CLOSED = "Closed"
    POSTPONED = "Postponed"
    DELETED = "Deleted"


_OF_INTERNAL = {
    InternalStatus.OPEN: BaseStatus.ACTIVE,
    InternalStatus.AWAITING_EXTERNAL: BaseStatus.ACTIVE,
    InternalStatus.AWAITING_INTERNAL: BaseStatus.ACTIVE,
    InternalStatus.CLOSED: BaseStatus.CLOSED,
    InternalStatus.MERGED: BaseStatus.CLOSED,
    InternalStatus.ON_HOLD: BaseStatus.POSTPONED,
    InternalStatus.DELETED: BaseStatus.DELETED,
    InternalStatus.SPAM: BaseStatus.DELETED,
}

#: The internal status a case enters when a base status is asked for and it is not in it.
_ENTERED = {
    BaseStatus.ACTIVE: InternalStatus.OPEN,
    BaseStatus.CLOSED: InternalStatus.CLOSED,
    BaseStatus.POSTPONED: InternalStatus.ON_HOLD,
    BaseStatus.DELETED: InternalStatus.DELETED,
}


def base_status_of(internal: int) -> BaseStatus:
    return _OF_INTERNAL[InternalStatus(internal)]


def parse_base_status(value: str, field: str = "BaseStatus") -> BaseStatus:
    for base in BaseStatus:
        if base.value.lower() == value.strip().lower():
            return base
    names = ", ".join(b.value for b in BaseStatus)
    raise ValidationFailed(f"unknown base status {value!r}; use one of {names}", field=field)


def internal_for(base: BaseStatus, current: int | None) -> InternalStatus | None:
    """The internal status to move to so the case shows ``base``; None when the case
    (``current``, None for a new case) already shows it and keeps its status."""
    if current is not None and base_status_of(current) == base:
        return None
    return _ENTERED[base]
