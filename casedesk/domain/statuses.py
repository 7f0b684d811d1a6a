"""The eight internal statuses and the rules that move a case between them.

Internal statuses are fixed (seed 000); user-defined statuses each map onto one of them.
Everything here is a pure function of its arguments, so the rules can be tested as tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from casedesk.domain.errors import CaseMerged, ValidationFailed


class InternalStatus(IntEnum):
    OPEN = 1
    CLOSED = 2
    AWAITING_EXTERNAL = 3
    DELETED = 4
    MERGED = 5
    SPAM = 6
    AWAITING_INTERNAL = 7
    ON_HOLD = 8


#: Statuses a case returns from to its last open status when an external update arrives.
REOPEN_ON_EXTERNAL_UPDATE = frozenset({InternalStatus.CLOSED, InternalStatus.AWAITING_EXTERNAL})

#: Statuses that count as "open" for the purpose of remembering the last open status.
OPEN_STATUSES = frozenset({InternalStatus.OPEN, InternalStatus.AWAITING_INTERNAL})


@dataclass(frozen=True, slots=True)
class UserStatus:
    """A user-defined status as the rules need it."""

    id: int
    internal: InternalStatus
    is_default: bool


class StatusCatalog:
    """The user-defined statuses of one corporation, indexed for the rules below."""

    def __init__(self, statuses: list[UserStatus]) -> None:
        self._by_id = {s.id: s for s in statuses}
        self._default: dict[InternalStatus, UserStatus] = {}
        for s in statuses:
            current = self._default.get(s.internal)
            if current is None or (s.is_default and not current.is_default):
                self._default[s.internal] = s

    def get(self, status_id: int) -> UserStatus | None:
        return self._by_id.get(status_id)

    def default_for(self, internal: InternalStatus) -> UserStatus | None:
        return self._default.get(internal)


def resolve_status(
    catalog: StatusCatalog,
    internal: int | None,
    user_status_id: int | None,
    current: UserStatus | None = None,
) -> UserStatus:
    """Pick the user status a case ends up in from what the caller sent.

    Seed 000: ``status`` (internal) takes precedence. A user status that points to a
    different internal status is overridden by the default user status of the given
    internal one; an omitted user status means the default for the internal status.
    With neither given, a new case is Open and an existing one keeps its status.
    """
    if internal is not None:
        try:
            wanted = InternalStatus(internal)
        except ValueError:
            raise ValidationFailed(f"unknown internal status {internal}", field="status") from None
        if user_status_id is not None:
            chosen = catalog.get(user_status_id)
            if chosen is None:
                raise ValidationFailed(f"unknown status id {user_status_id}", field="status_id")
            if chosen.internal == wanted:
                return chosen
        default = catalog.default_for(wanted)
        if default is None:
            raise ValidationFailed(
                f"no user status is defined for internal status {wanted.value}", field="status"
            )
        return default
    if user_status_id is not None:
        chosen = catalog.get(user_status_id)
        if chosen is None:
            raise ValidationFailed(f"unknown status id {user_status_id}", field="status_id")
        return chosen
    if current is not None:
        return current
    default = catalog.default_for(InternalStatus.OPEN)
    if default is None:
        raise ValidationFailed("no default user status for Open is defined", field="status")
    return default


def check_updatable(case_id: int, internal: InternalStatus, merged_into_id: int | None) -> None:
    """Merged cases accept no updates (seed 000); the error names the target case."""
    if internal == InternalStatus.MERGED:
        raise CaseMerged(case_id, merged_into_id)


def status_after_external_update(
    catalog: StatusCatalog, current: UserStatus, last_open: UserStatus | None
) -> UserStatus:
    """Closed and Awaiting external go back to the last open status on an incoming update.

    Every other status stays (Deleted and Spam stay until changed by hand; On hold waits
    for its time). Without a remembered open status the default Open status is used.
    """
    if current.internal not in REOPEN_ON_EXTERNAL_UPDATE:
        return current
    return _last_open_or_default(catalog, last_open)


def tick(
    catalog: StatusCatalog,
    current: UserStatus,
    last_open: UserStatus | None,
    on_hold_until: datetime | None,
    now: datetime,
) -> UserStatus:
    """Time-driven transition: On hold goes back to the last open status once
    ``on_hold_until`` has passed. Any other case is left as it is."""
    if current.internal != InternalStatus.ON_HOLD or on_hold_until is None:
        return current
    if now < on_hold_until:
        return current
    return _last_open_or_default(catalog, last_open)


def remembers_as_last_open(status: UserStatus) -> bool:
    """Whether entering ``status`` updates the case's last open status."""
    return status.internal in OPEN_STATUSES


def _last_open_or_default(catalog: StatusCatalog, last_open: UserStatus | None) -> UserStatus:
    if last_open is not None:
        return last_open
    default = catalog.default_for(InternalStatus.OPEN)
    if default is None:
        raise ValidationFailed("no default user status for Open is defined", field="status")
    return default
