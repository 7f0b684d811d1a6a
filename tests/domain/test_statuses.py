"""The status machine as tables: precedence of the internal status, the transitions an
external update and the clock cause, and the merged-case guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.errors import CaseMerged, ValidationFailed
from casedesk.domain.statuses import (
    InternalStatus,
    StatusCatalog,
    UserStatus,
    check_updatable,
    remembers_as_last_open,
    resolve_status,
    status_after_external_update,
    tick,
)

S = InternalStatus

#: One default user status per internal status, ids 1..8 matching the internal value,
#: plus non-default extras: 11 "In progress" (Open), 12 "Resolved" (Closed),
#: 17 "With second line" (Awaiting internal).
DEFAULTS = {s: UserStatus(int(s), s, True) for s in S}
IN_PROGRESS = UserStatus(11, S.OPEN, False)
RESOLVED = UserStatus(12, S.CLOSED, False)
SECOND_LINE = UserStatus(17, S.AWAITING_INTERNAL, False)
CATALOG = StatusCatalog([*DEFAULTS.values(), IN_PROGRESS, RESOLVED, SECOND_LINE])

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- catalog


def test_catalog_prefers_the_status_marked_default_whatever_the_order() -> None:
    plain = UserStatus(21, S.OPEN, False)
    marked = UserStatus(22, S.OPEN, True)
    assert StatusCatalog([plain, marked]).default_for(S.OPEN) == marked
    assert StatusCatalog([marked, plain]).default_for(S.OPEN) == marked


def test_catalog_without_a_marked_default_uses_the_first_of_the_internal_status() -> None:
    first, second = UserStatus(31, S.SPAM, False), UserStatus(32, S.SPAM, False)
    assert StatusCatalog([first, second]).default_for(S.SPAM) == first
    assert StatusCatalog([first]).default_for(S.OPEN) is None


# --------------------------------------------------------------------------- resolve_status


@pytest.mark.parametrize(
    ("internal", "status_id", "current", "expected"),
    [
        # status alone: the default user status of that internal status
        *[(int(s), None, None, DEFAULTS[s]) for s in S],
        # status and a matching user status: that user status
        (1, IN_PROGRESS.id, None, IN_PROGRESS),
        (2, RESOLVED.id, None, RESOLVED),
        (7, SECOND_LINE.id, DEFAULTS[S.OPEN], SECOND_LINE),
        # status wins over a user status of another internal status
        (2, IN_PROGRESS.id, None, DEFAULTS[S.CLOSED]),
        (1, RESOLVED.id, None, DEFAULTS[S.OPEN]),
        (3, int(S.OPEN), None, DEFAULTS[S.AWAITING_EXTERNAL]),
        (8, SECOND_LINE.id, IN_PROGRESS, DEFAULTS[S.ON_HOLD]),
        # the current status does not matter once status is given
        (1, None, IN_PROGRESS, DEFAULTS[S.OPEN]),
        # status_id alone: that user status, whatever its internal status
        (None, RESOLVED.id, None, RESOLVED),
        (None, IN_PROGRESS.id, DEFAULTS[S.CLOSED], IN_PROGRESS),
        (None, int(S.SPAM), None, DEFAULTS[S.SPAM]),
        # neither: a new case opens in the default Open status, an existing one stays
        (None, None, None, DEFAULTS[S.OPEN]),
        (None, None, RESOLVED, RESOLVED),
        (None, None, SECOND_LINE, SECOND_LINE),
    ],
)
def test_resolve_status(
    internal: int | None, status_id: int | None, current: UserStatus | None, expected: UserStatus
) -> None:
    assert resolve_status(CATALOG, internal, status_id, current) == expected


@pytest.mark.parametrize(
    ("internal", "status_id", "field"),
    [
        (0, None, "status"),
        (9, None, "status"),
        (-1, IN_PROGRESS.id, "status"),
        (1, 999, "status_id"),
        (2, 999, "status_id"),
        (None, 999, "status_id"),
    ],
)
def test_resolve_status_refuses_unknown_ids_naming_the_field(
    internal: int | None, status_id: int | None, field: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        resolve_status(CATALOG, internal, status_id, DEFAULTS[S.OPEN])
    assert err.value.field == field


def test_resolve_status_without_a_user_status_for_the_internal_one_names_status() -> None:
    only_open = StatusCatalog([DEFAULTS[S.OPEN]])
    with pytest.raises(ValidationFailed) as err:
        resolve_status(only_open, int(S.CLOSED), None)
    assert err.value.field == "status"


def test_resolve_status_for_a_new_case_needs_a_default_open_status() -> None:
    with pytest.raises(ValidationFailed) as err:
        resolve_status(StatusCatalog([DEFAULTS[S.CLOSED]]), None, None)
    assert err.value.field == "status"


# --------------------------------------------------------------------------- external update

#: (current, remembered last open, expected). Only Closed and Awaiting external go back.
EXTERNAL_UPDATE = [
    (DEFAULTS[S.OPEN], None, DEFAULTS[S.OPEN]),
    (IN_PROGRESS, DEFAULTS[S.OPEN], IN_PROGRESS),
    (DEFAULTS[S.CLOSED], IN_PROGRESS, IN_PROGRESS),
    (DEFAULTS[S.CLOSED], SECOND_LINE, SECOND_LINE),
    (DEFAULTS[S.CLOSED], None, DEFAULTS[S.OPEN]),
    (RESOLVED, SECOND_LINE, SECOND_LINE),
    (DEFAULTS[S.AWAITING_EXTERNAL], SECOND_LINE, SECOND_LINE),
    (DEFAULTS[S.AWAITING_EXTERNAL], IN_PROGRESS, IN_PROGRESS),
    (DEFAULTS[S.AWAITING_EXTERNAL], None, DEFAULTS[S.OPEN]),
    (DEFAULTS[S.DELETED], IN_PROGRESS, DEFAULTS[S.DELETED]),
    (DEFAULTS[S.MERGED], IN_PROGRESS, DEFAULTS[S.MERGED]),
    (DEFAULTS[S.SPAM], IN_PROGRESS, DEFAULTS[S.SPAM]),
    (DEFAULTS[S.AWAITING_INTERNAL], IN_PROGRESS, DEFAULTS[S.AWAITING_INTERNAL]),
    (SECOND_LINE, DEFAULTS[S.OPEN], SECOND_LINE),
    (DEFAULTS[S.ON_HOLD], IN_PROGRESS, DEFAULTS[S.ON_HOLD]),
]


@pytest.mark.parametrize(("current", "last_open", "expected"), EXTERNAL_UPDATE)
def test_status_after_external_update(
    current: UserStatus, last_open: UserStatus | None, expected: UserStatus
) -> None:
    assert status_after_external_update(CATALOG, current, last_open) == expected


def test_external_update_table_covers_every_internal_status() -> None:
    assert {row[0].internal for row in EXTERNAL_UPDATE} == set(S)


def test_external_update_reopening_needs_a_default_open_status() -> None:
    no_open = StatusCatalog([DEFAULTS[S.CLOSED]])
    with pytest.raises(ValidationFailed):
        status_after_external_update(no_open, DEFAULTS[S.CLOSED], None)


# --------------------------------------------------------------------------- tick

UNTIL = NOW


@pytest.mark.parametrize(
    ("now", "last_open", "expected"),
    [
        (UNTIL - timedelta(days=1), SECOND_LINE, DEFAULTS[S.ON_HOLD]),
        (UNTIL - timedelta(microseconds=1), SECOND_LINE, DEFAULTS[S.ON_HOLD]),
        (UNTIL, SECOND_LINE, SECOND_LINE),
        (UNTIL + timedelta(microseconds=1), IN_PROGRESS, IN_PROGRESS),
        (UNTIL + timedelta(days=30), None, DEFAULTS[S.OPEN]),
    ],
)
def test_tick_on_hold_returns_to_last_open_once_the_time_is_reached(
    now: datetime, last_open: UserStatus | None, expected: UserStatus
) -> None:
    assert tick(CATALOG, DEFAULTS[S.ON_HOLD], last_open, UNTIL, now) == expected


def test_tick_on_hold_without_an_end_time_waits() -> None:
    later = NOW + timedelta(days=365)
    assert tick(CATALOG, DEFAULTS[S.ON_HOLD], IN_PROGRESS, None, later) == DEFAULTS[S.ON_HOLD]


@pytest.mark.parametrize(
    "current", [s for s in [*DEFAULTS.values(), RESOLVED, SECOND_LINE] if s.internal != S.ON_HOLD]
)
@pytest.mark.parametrize("until", [None, UNTIL - timedelta(days=1)])
def test_tick_leaves_every_other_status_alone(current: UserStatus, until: datetime | None) -> None:
    assert tick(CATALOG, current, IN_PROGRESS, until, NOW) == current


# --------------------------------------------------------------------------- guards


@pytest.mark.parametrize("internal", [s for s in S if s != S.MERGED])
def test_check_updatable_lets_every_unmerged_case_through(internal: InternalStatus) -> None:
    check_updatable(7, internal, None)


def test_check_updatable_refuses_a_merged_case_naming_the_target() -> None:
    with pytest.raises(CaseMerged) as err:
        check_updatable(7, S.MERGED, 42)
    assert err.value.merged_into_id == 42
    assert err.value.extra["merged_into_id"] == 42
    assert "42" in err.value.detail


@pytest.mark.parametrize(
    ("status", "remembered"),
    [(s, s in (S.OPEN, S.AWAITING_INTERNAL)) for s in S],
)
def test_only_open_statuses_are_remembered_as_last_open(
    status: InternalStatus, remembered: bool
) -> None:
    assert remembers_as_last_open(UserStatus(100, status, False)) is remembered
