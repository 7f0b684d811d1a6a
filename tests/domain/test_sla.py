"""SLA policy choice, target clocks with pausing, and next-response exchanges.

Calendar: OFFICE is Monday to Friday 09:00-17:00 UTC. 2026-03-02 is a Monday,
2026-03-06 a Friday; Europe springs forward on Sunday 2026-03-29.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from casedesk.domain.calendars import BusinessCalendar
from casedesk.domain.clock import ClockClass, HistoryEntry
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.sla import (
    SlaPolicy,
    SlaStatus,
    SlaTargets,
    TargetState,
    choose_policy,
    exchanges,
    sla_status,
    target_state,
)

C = ClockClass
OFFICE = BusinessCalendar.weekly("UTC", {d: [(time(9), time(17))] for d in range(5)})
OSLO = BusinessCalendar.weekly("Europe/Oslo", {d: [(time(9), time(17))] for d in range(5)})
H = 3600


def z(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# --------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first_response": 0}, "first_response"),
        ({"next_response": -5}, "next_response"),
        ({"resolution": True}, "resolution"),
        ({"resolution": 1.5}, "resolution"),
    ],
    ids=["zero", "negative", "bool", "float"],
)
def test_targets_must_be_positive_minutes(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        SlaTargets(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


# --------------------------------------------------------------------------- policy choice

T = SlaTargets(first_response=60)
DEFAULT = SlaPolicy(1, T)
URGENT = SlaPolicy(2, T, priority_id=1)
ACME = SlaPolicy(3, T, organization_id=10)
NETWORK = SlaPolicy(4, T, category_id=100)  # parent category
WIFI = SlaPolicy(5, T, category_id=101)  # child of NETWORK
ACME_URGENT = SlaPolicy(6, T, organization_id=10, priority_id=1)
POLICIES = [ACME_URGENT, WIFI, NETWORK, ACME, URGENT, DEFAULT]


@pytest.mark.parametrize(
    ("priority", "category", "ancestors", "organization", "expected"),
    [
        pytest.param(2, None, [], 99, DEFAULT, id="nothing-specific-matches"),
        pytest.param(1, None, [], None, URGENT, id="priority"),
        pytest.param(2, None, [], 10, ACME, id="organization"),
        pytest.param(1, None, [], 10, ACME_URGENT, id="two-conditions-beat-one"),
        pytest.param(2, 101, [100], 10, ACME, id="organization-beats-category"),
        pytest.param(1, 101, [100], None, WIFI, id="category-beats-priority"),
        pytest.param(2, 101, [100], None, WIFI, id="own-category-beats-parent"),
        pytest.param(2, 102, [100], None, NETWORK, id="parent-category-inherited"),
        pytest.param(2, 100, [], None, NETWORK, id="parent-category-itself"),
    ],
)
def test_choose_policy(
    priority: int,
    category: int | None,
    ancestors: list[int],
    organization: int | None,
    expected: SlaPolicy,
) -> None:
    chosen = choose_policy(
        POLICIES,
        priority_id=priority,
        category_id=category,
        organization_id=organization,
        category_ancestors=ancestors,
    )
    assert chosen == expected


def test_choose_policy_without_a_match_is_none() -> None:
    assert choose_policy([], priority_id=1, category_id=None, organization_id=None) is None
    assert (
        choose_policy([URGENT, ACME], priority_id=2, category_id=None, organization_id=None) is None
    )


def test_equally_specific_policies_go_by_position_then_id() -> None:
    late, early = SlaPolicy(8, T, priority_id=1, position=5), SlaPolicy(9, T, priority_id=1)
    assert choose_policy([late, early], priority_id=1, category_id=None, organization_id=None) == (
        early
    )
    twin_a, twin_b = SlaPolicy(12, T, priority_id=1), SlaPolicy(11, T, priority_id=1)
    assert choose_policy(
        [twin_a, twin_b], priority_id=1, category_id=None, organization_id=None
    ) == (twin_b)


# --------------------------------------------------------------------------- one target's clock

MON9 = z(3, 2, 9)


def state(
    started: datetime,
    elapsed: int,
    *,
    target: int = 120,
    paused: bool = False,
    due: datetime | None = None,
    breached: datetime | None = None,
    completed: datetime | None = None,
) -> TargetState:
    return TargetState(
        target_minutes=target,
        started_at=started,
        elapsed_seconds=elapsed,
        remaining_seconds=target * 60 - elapsed,
        paused=paused,
        due_at=due,
        breached_at=breached,
        completed_at=completed,
    )


@pytest.mark.parametrize(
    ("calendar", "history", "completed", "now", "expected"),
    [
        pytest.param(
            # 1 h of a 2 h target gone at 10:00, due at 11:00
            OFFICE,
            [(MON9, C.QUEUE)],
            None,
            z(3, 2, 10),
            state(MON9, H, due=z(3, 2, 11)),
            id="running",
        ),
        pytest.param(
            # created Fri 16:00, 30 min gone at 16:30; 30 min more Friday, 1 h Monday
            OFFICE,
            [(z(3, 6, 16), C.INTERNAL)],
            None,
            z(3, 6, 16, 30),
            state(z(3, 6, 16), 1800, due=z(3, 9, 10)),
            id="due-after-the-weekend",
        ),
        pytest.param(
            # waiting on the customer since 09:30: paused with 90 min left, no due date
            OFFICE,
            [(MON9, C.INTERNAL), (z(3, 2, 9, 30), C.EXTERNAL)],
            None,
            z(3, 2, 12),
            state(MON9, 1800, paused=True),
            id="paused-while-external",
        ),
        pytest.param(
            # on hold (stopped) since 09:30 pauses just the same
            OFFICE,
            [(MON9, C.QUEUE), (z(3, 2, 9, 30), C.STOPPED)],
            None,
            z(3, 4, 12),
            state(MON9, 1800, paused=True),
            id="paused-while-stopped",
        ),
        pytest.param(
            # 09:00-09:30 running, external until Tue 10:00, running again: 30 + 30 min
            # gone at Tue 10:30, 1 h left -> Tue 11:30
            OFFICE,
            [(MON9, C.INTERNAL), (z(3, 2, 9, 30), C.EXTERNAL), (z(3, 3, 10), C.INTERNAL)],
            None,
            z(3, 3, 10, 30),
            state(MON9, H, due=z(3, 3, 11, 30)),
            id="paused-then-running-again",
        ),
        pytest.param(
            OFFICE,
            [(MON9, C.INTERNAL)],
            z(3, 2, 10),
            z(3, 2, 15),
            state(MON9, H, completed=z(3, 2, 10)),
            id="met",
        ),
        pytest.param(
            # answered exactly when the target ran out: met, not breached
            OFFICE,
            [(MON9, C.INTERNAL)],
            z(3, 2, 11),
            z(3, 2, 15),
            state(MON9, 2 * H, completed=z(3, 2, 11)),
            id="met-at-the-last-second",
        ),
        pytest.param(
            # answered at 12:00, the target ran out at 11:00
            OFFICE,
            [(MON9, C.INTERNAL)],
            z(3, 2, 12),
            z(3, 2, 15),
            state(MON9, 3 * H, breached=z(3, 2, 11), completed=z(3, 2, 12)),
            id="completed-late",
        ),
        pytest.param(
            # still running at 13:00: breached at 11:00, which is also the due date
            OFFICE,
            [(MON9, C.QUEUE)],
            None,
            z(3, 2, 13),
            state(MON9, 4 * H, due=z(3, 2, 11), breached=z(3, 2, 11)),
            id="running-and-breached",
        ),
        pytest.param(
            # breached at 11:00, then waiting on the customer since 12:00
            OFFICE,
            [(MON9, C.INTERNAL), (z(3, 2, 12), C.EXTERNAL)],
            None,
            z(3, 2, 14),
            state(MON9, 3 * H, paused=True, breached=z(3, 2, 11)),
            id="breached-then-paused",
        ),
        pytest.param(
            # a completion stamped after now is not one yet
            OFFICE,
            [(MON9, C.INTERNAL)],
            z(3, 2, 10, 30),
            z(3, 2, 10),
            state(MON9, H, due=z(3, 2, 11)),
            id="completion-after-now-ignored",
        ),
        pytest.param(
            # Oslo: Fri 27 Mar 16:00 CET (15:00Z) + 2 h -> Mon 30 Mar 10:00 CEST (08:00Z)
            OSLO,
            [(z(3, 27, 15), C.INTERNAL)],
            None,
            z(3, 27, 15),
            state(z(3, 27, 15), 0, due=z(3, 30, 8)),
            id="due-after-spring-forward",
        ),
    ],
)
def test_target_state(
    calendar: BusinessCalendar,
    history: list[HistoryEntry],
    completed: datetime | None,
    now: datetime,
    expected: TargetState,
) -> None:
    started = history[0][0]
    assert target_state(calendar, history, started, 120, completed, now) == expected


def test_a_clock_started_mid_span_counts_from_its_start() -> None:
    # internal since 09:00, the clock starts at 10:00 (a customer message): 30 min at 10:30
    result = target_state(OFFICE, [(MON9, C.INTERNAL)], z(3, 2, 10), 60, None, z(3, 2, 10, 30))
    assert result.elapsed_seconds == 1800
    assert result.due_at == z(3, 2, 11)


def test_target_state_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        target_state(OFFICE, [(MON9, C.INTERNAL)], datetime(2026, 3, 2), 60, None, z(3, 3))


# --------------------------------------------------------------------------- exchanges


@pytest.mark.parametrize(
    ("inbound", "replies", "expected"),
    [
        pytest.param([z(3, 2, 9)], [], [], id="no-reply-yet-first-response-covers-it"),
        pytest.param(
            [z(3, 2, 9), z(3, 2, 9, 30)], [z(3, 2, 10)], [], id="before-first-reply-ignored"
        ),
        pytest.param(
            # answered at 11:30; two messages at 12:00 and 12:10 wait since 12:00
            [z(3, 2, 9), z(3, 2, 11), z(3, 2, 12), z(3, 2, 12, 10)],
            [z(3, 2, 10), z(3, 2, 11, 30)],
            [(z(3, 2, 11), z(3, 2, 11, 30)), (z(3, 2, 12), None)],
            id="answered-then-pending",
        ),
        pytest.param([], [z(3, 2, 10), z(3, 2, 11)], [], id="replies-without-messages"),
        pytest.param([z(3, 2, 10)], [z(3, 2, 10)], [], id="message-at-first-reply"),
        pytest.param(
            [z(3, 2, 11)],
            [z(3, 2, 10), z(3, 2, 11)],
            [(z(3, 2, 11), z(3, 2, 11))],
            id="reply-at-the-same-instant-answers",
        ),
        pytest.param(
            # order of input does not matter
            [z(3, 2, 12), z(3, 2, 11)],
            [z(3, 2, 11, 30), z(3, 2, 10)],
            [(z(3, 2, 11), z(3, 2, 11, 30)), (z(3, 2, 12), None)],
            id="unsorted-input",
        ),
    ],
)
def test_exchanges(
    inbound: list[datetime],
    replies: list[datetime],
    expected: list[tuple[datetime, datetime | None]],
) -> None:
    assert exchanges(inbound, replies) == expected


# --------------------------------------------------------------------------- all targets


def test_sla_status_of_a_case() -> None:
    # Mon 09:00 created (queue), 09:20 picked up, 09:40 first reply, 10:00 waiting on the
    # customer, 13:00 the customer writes and the case is back to internal; now 13:45.
    history = [
        (MON9, C.QUEUE),
        (z(3, 2, 9, 20), C.INTERNAL),
        (z(3, 2, 10), C.EXTERNAL),
        (z(3, 2, 13), C.INTERNAL),
    ]
    targets = SlaTargets(first_response=60, next_response=30, resolution=480)
    status = sla_status(
        targets, OFFICE, MON9, history, z(3, 2, 9, 40), None,
        inbound_at=[MON9, z(3, 2, 13)], replies_at=[z(3, 2, 9, 40)], now=z(3, 2, 13, 45),
    )  # fmt: skip
    assert status == SlaStatus(
        # 40 min to the first reply: met
        first_response=TargetState(60, MON9, 2400, 1200, False, None, None, z(3, 2, 9, 40)),
        # waiting since 13:00 on a 30 min target: ran out at 13:30, 15 min over
        next_response=TargetState(
            30, z(3, 2, 13), 2700, -900, False, z(3, 2, 13, 30), z(3, 2, 13, 30), None
        ),
        # running 09:00-10:00 and 13:00-13:45 = 105 min; 375 min left = 3 h 15 today
        # (to 17:00) and 3 h on Tuesday -> Tue 12:00
        resolution=TargetState(480, MON9, 6300, 22500, False, z(3, 3, 12), None, None),
    )


def test_sla_status_leaves_out_targets_the_policy_does_not_set() -> None:
    status = sla_status(
        SlaTargets(resolution=60), OFFICE, MON9, [(MON9, C.INTERNAL)], None, None,
        inbound_at=[], replies_at=[], now=z(3, 2, 9, 30),
    )  # fmt: skip
    assert status.first_response is None
    assert status.next_response is None
    assert status.resolution is not None
    assert status.resolution.due_at == z(3, 2, 10)


def test_reopened_case_resumes_the_resolution_clock() -> None:
    # closed Mon 10:00 (1 h used), reopened Tue 09:00: 1 h + 30 min at Tue 09:30
    history = [(MON9, C.INTERNAL), (z(3, 2, 10), C.STOPPED), (z(3, 3, 9), C.INTERNAL)]
    status = sla_status(
        SlaTargets(resolution=180), OFFICE, MON9, history, None, None,
        inbound_at=[], replies_at=[], now=z(3, 3, 9, 30),
    )  # fmt: skip
    assert status.resolution is not None
    assert status.resolution.elapsed_seconds == 90 * 60
    assert status.resolution.due_at == z(3, 3, 11)
