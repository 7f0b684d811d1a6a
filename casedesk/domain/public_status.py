"""Public statuses: the six states an external case-management client sees (seed 004:
SUBMITTED, IN_PROGRESS, RESOLVED, ACTION_REQUIRED, CLOSED, CANCELLED).

A user-defined status may name its public status; otherwise it follows from the
internal status. A case closed by cancelling shows CANCELLED: the status history
records the reason, so the same rule also labels each entry of the history.
"""

from __future__ import annotations

from enum import StrEnum

from casedesk.domain.statuses import InternalStatus


class PublicStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    ACTION_REQUIRED = "ACTION_REQUIRED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


#: The status history reason of a cancellation.
CANCELLED_REASON = "cancelled"

DEFAULTS = {
    InternalStatus.OPEN: PublicStatus.SUBMITTED,
    InternalStatus.AWAITING_INTERNAL: PublicStatus.IN_PROGRESS,
    InternalStatus.ON_HOLD: PublicStatus.IN_PROGRESS,
    InternalStatus.AWAITING_EXTERNAL: PublicStatus.ACTION_REQUIRED,
    InternalStatus.CLOSED: PublicStatus.CLOSED,
    InternalStatus.MERGED: PublicStatus.CLOSED,
    InternalStatus.DELETED: PublicStatus.CANCELLED,
    InternalStatus.SPAM: PublicStatus.CANCELLED,
}

#: Internal statuses a case can no longer be cancelled from: it is closed or cancelled.
ENDED = frozenset(
    {InternalStatus.CLOSED, InternalStatus.DELETED, InternalStatus.MERGED, InternalStatus.SPAM}
)


def public_status(internal: int, configured: str | None, reason: str | None) -> PublicStatus:
    """The public status of a case in a user status of ``internal`` whose configured
    public status is ``configured`` (None: the default), entered for ``reason``."""
    if reason == CANCELLED_REASON:
        return PublicStatus.CANCELLED
    if configured is not None:
        return PublicStatus(configured)
    return DEFAULTS[InternalStatus(internal)]
