"""ITFlow's ticket statuses (seed 002: Open, Working, Hold, Auto Close, Closed) and the
internal statuses they stand for, both ways."""

from __future__ import annotations

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.statuses import InternalStatus

TO_INTERNAL = {
    "Open": InternalStatus.OPEN,
    "Working": InternalStatus.AWAITING_INTERNAL,
    "Hold": InternalStatus.ON_HOLD,
    "Auto Close": InternalStatus.AWAITING_EXTERNAL,
    "Closed": InternalStatus.CLOSED,
}

_FROM_INTERNAL = {
    InternalStatus.OPEN: "Open",
    InternalStatus.AWAITING_INTERNAL: "Working",
    InternalStatus.ON_HOLD: "Hold",
    InternalStatus.AWAITING_EXTERNAL: "Auto Close",
    InternalStatus.CLOSED: "Closed",
    InternalStatus.MERGED: "Closed",
    InternalStatus.DELETED: "Closed",
    InternalStatus.SPAM: "Closed",
}


def work_status_of(internal: int) -> str:
    return _FROM_INTERNAL[InternalStatus(internal)]


def internal_of(name: str, field: str = "ticket_status") -> InternalStatus:
    for key, value in TO_INTERNAL.items():
        if key.lower() == name.strip().lower():
            return value
    raise ValidationFailed(
        f"unknown status {name!r}; use one of {', '.join(TO_INTERNAL)}", field=field
    )
