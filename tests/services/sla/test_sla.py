"""The SLA fields of a case, kept current by the use-cases and the escalation sweep.

Every scenario goes through the real use-cases (open, status changes, messages) with
a controlled ``now``; expected due dates are worked out by hand in the comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, MessageCreate
from casedesk.services.kernel.references import new_case_defaults, require_default_priority
from casedesk.services.reference import calendars, categories, priorities, sla_policies
from casedesk.services.reference.calendars import CalendarCreate
from casedesk.services.reference.categories import CategoryCreate
from casedesk.services.reference.priorities import PriorityPatch
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.sla.state import sla_sweep
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, OutboxEvent, SlaBreach
from tests.factories import World, make_world

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = {str(d): [["09:00", "17:00"]] for d in range(5)}  # Mon-Fri 09-17


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def default_priority(db: Database, world: World) -> int:
    with db.read() as s:
        return require_default_priority(new_case_defaults(s, world.corporation_id))


def use_calendar(
    db: Database, world: World, zone: str = "Europe/Oslo", holidays: tuple[str, ...] = ()
) -> int:
    """Give the default priority a Mon-Fri 09-17 calendar; its id."""
    cal = calendars.create_calendar(
        db,
        world.admin.principal,
        CalendarCreate.model_validate(
            {"name": "Office", "time_zone": zone, "hours": OFFICE, "holidays": list(holidays)}
        ),
    )
    pid = default_priority(db, world)
    priorities.update_priority(db, world.admin.principal, pid, PriorityPatch(calendar_id=cal.id))
    return pid


def policy(db: Database, world: World, **fields: Any) -> int:
    fields.setdefault("name", "Standard")
    return sla_policies.create_policy(db, world.admin.principal, SlaPolicyCreate(**fields)).id


def open_at(db: Database, world: World, at: datetime, **fields: Any) -> int:
    fields.setdefault("title", "Printer does not print")
    return cases.open_case(db, world.admin.principal, CaseCreate(**fields), now=at).id


def set_status(db: Database, world: World, case_id: int, status: int, at: datetime) -> None:
    cases.update_case(db, world.admin.principal, case_id, CasePatch(status=status), now=at)


def message(db: Database, world: World, case_id: int, direction: str, at: datetime) -> None:
    messages.add_message(
        db,
        world.admin.principal,
        case_id,
        MessageCreate(direction=direction, body_text=direction),  # type: ignore[arg-type]
        now=at,
    )


def row(db: Database, case_id: int) -> Case:
    with db.read() as s:
        found = s.get(Case, case_id)
        assert found is not None
        return found


def audits(db: Database, action: str) -> list[AuditEntry]:
    with db.read() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


# --------------------------------------------------------------------------- due dates


@dataclass
class Scenario:
    name: str
    created: datetime
    #: ``(at, internal status)`` changes after creation.
    steps: list[tuple[datetime, int]]
    expected_due: datetime | None
    holidays: tuple[str, ...] = ()
    #: When the due date is looked at (after the steps).
    extra: dict[str, Any] = field(default_factory=dict)


SCENARIOS = [
    # Friday 16:00: one office hour left on Friday, three more on Monday 09:00-12:00.
    Scenario("friday afternoon", oslo(2026, 3, 6, 16), [], oslo(2026, 3, 9, 12)),
    # 30 minutes run on Friday, then waiting on the customer until Monday 10:00 (paused),
    # so 3.5 h remain from Monday 10:00: due 13:30.
    Scenario(
        "waiting on the customer pauses",
        oslo(2026, 3, 6, 16),
        [(oslo(2026, 3, 6, 16, 30), 3), (oslo(2026, 3, 9, 10), 1)],
        oslo(2026, 3, 9, 13, 30),
    ),
    # Monday is a holiday: the three remaining hours fall on Tuesday.
    Scenario("holiday", oslo(2026, 3, 6, 16), [], oslo(2026, 3, 10, 12), holidays=("2026-03-09",)),
    # Clocks go forward on Sunday 29 March: Friday 16:00 is 15:00 UTC, Monday 12:00 local
    # is 10:00 UTC (not 11:00).
    Scenario(
        "DST spring forward",
        oslo(2026, 3, 27, 16),
        [],
        datetime(2026, 3, 30, 10, tzinfo=UTC),
    ),
    # Still waiting on the customer: no due date while paused.
    Scenario("paused has no due date", oslo(2026, 3, 6, 16), [(oslo(2026, 3, 6, 16, 30), 3)], None),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_resolution_due_dates_in_office_hours(
    db: Database, world: World, scenario: Scenario
) -> None:
    use_calendar(db, world, holidays=scenario.holidays)
    policy(db, world, resolution_minutes=240)
    case_id = open_at(db, world, scenario.created)
    for at, status in scenario.steps:
        set_status(db, world, case_id, status, at)

    stored = row(db, case_id)
    assert stored.resolution_due_at == scenario.expected_due
    assert stored.sla_check_at is not None or scenario.expected_due is None


def test_a_case_without_a_policy_has_no_sla_fields(db: Database, world: World) -> None:
    case_id = open_at(db, world, oslo(2026, 3, 6, 16))
    stored = row(db, case_id)
    assert (stored.sla_policy_id, stored.resolution_due_at, stored.sla_check_at) == (
        None,
        None,
        None,
    )
    assert stored.version == 1


def test_sla_fields_do_not_bump_the_version(db: Database, world: World) -> None:
    policy(db, world, resolution_minutes=60)
    created = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case = cases.open_case(db, world.admin.principal, CaseCreate(title="Down"), now=created)
    assert (case.version, case.resolution_due_at, case.alert_level) == (
        1,
        created + timedelta(minutes=60),
        0,
    )
    assert sla_sweep(db, created + timedelta(minutes=50)) == 1  # the warning at 80 %
    assert cases.get_case(db, world.admin.principal, case.id).version == 1


def test_a_category_policy_wins_over_a_priority_policy(db: Database, world: World) -> None:
    pid = default_priority(db, world)
    parent = categories.create_category(
        db, world.admin.principal, CategoryCreate(name="Hardware")
    ).id
    child = categories.create_category(
        db, world.admin.principal, CategoryCreate(name="Printers", parent_id=parent)
    ).id
    policy(db, world, name="By priority", priority_id=pid, resolution_minutes=480)
    by_category = policy(db, world, name="By category", category_id=parent, resolution_minutes=60)
    created = datetime(2026, 3, 2, 9, tzinfo=UTC)

    in_child = row(db, open_at(db, world, created, category_id=child))
    plain = row(db, open_at(db, world, created))

    assert in_child.sla_policy_id == by_category  # a parent category's policy applies
    assert in_child.resolution_due_at == created + timedelta(minutes=60)
    assert plain.resolution_due_at == created + timedelta(minutes=480)
    # moving the case out of the category brings the priority's policy back
    cases.update_case(
        db, world.admin.principal, in_child.id, CasePatch(category_id=None), now=created
    )
    assert row(db, in_child.id).resolution_due_at == created + timedelta(minutes=480)


# --------------------------------------------------------------------------- responses


def test_next_response_runs_from_a_customer_message_until_the_reply(
    db: Database, world: World
) -> None:
    policy(db, world, first_response_minutes=60, next_response_minutes=30)
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case_id = open_at(db, world, t)
    assert row(db, case_id).first_response_due_at == t + timedelta(minutes=60)
    assert row(db, case_id).awaiting_reply_since == t

    message(db, world, case_id, "outbound", t + timedelta(minutes=10))
    after_reply = row(db, case_id)
    assert (after_reply.first_response_due_at, after_reply.next_response_due_at) == (None, None)
    assert after_reply.awaiting_reply_since is None

    message(db, world, case_id, "inbound", t + timedelta(minutes=20))
    asked = row(db, case_id)
    assert asked.next_response_due_at == t + timedelta(minutes=50)
    assert asked.awaiting_reply_since == t + timedelta(minutes=20)

    message(db, world, case_id, "outbound", t + timedelta(minutes=30))
    answered = row(db, case_id)
    assert (answered.next_response_due_at, answered.awaiting_reply_since) == (None, None)


def test_closing_stops_the_clock_and_reopening_resumes_it(db: Database, world: World) -> None:
    policy(db, world, resolution_minutes=60)
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case_id = open_at(db, world, t)
    set_status(db, world, case_id, int(InternalStatus.CLOSED), t + timedelta(minutes=20))
    closed = row(db, case_id)
    assert (closed.resolution_due_at, closed.sla_check_at, closed.alert_level) == (None, None, 0)
    # an inbound message reopens it: 40 minutes left from then
    message(db, world, case_id, "inbound", t + timedelta(hours=5))
    assert row(db, case_id).resolution_due_at == t + timedelta(hours=5, minutes=40)


# --------------------------------------------------------------------------- breaches


def test_a_breach_is_recorded_once(db: Database, world: World) -> None:
    policy(db, world, first_response_minutes=60, alert_levels=[])
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case_id = open_at(db, world, t)
    assert row(db, case_id).sla_check_at == t + timedelta(minutes=48)  # warning at 80 %

    for minutes in (48, 61, 62, 200):
        sla_sweep(db, t + timedelta(minutes=minutes))
    cases.update_case(
        db, world.admin.principal, case_id, CasePatch(title="x"), now=t + timedelta(hours=4)
    )
    message(db, world, case_id, "outbound", t + timedelta(hours=5))

    with db.read() as s:
        breaches = s.execute(
            select(SlaBreach.target, SlaBreach.due_at, SlaBreach.breached_at)
        ).all()
    due = t + timedelta(minutes=60)
    assert breaches == [("first_response", due, due)]
    assert [a.changes["breached"]["to"]["target"] for a in audits(db, "sla.breached")] == [
        "first_response"
    ]
    assert audits(db, "sla.breached")[0].actor_label == "scheduler"


# --------------------------------------------------------------------------- escalation


def test_a_rising_alert_level_notifies_the_assignee_and_followers_once(
    db: Database, world: World
) -> None:
    policy(db, world, resolution_minutes=100)  # default levels: 80 min, 100 min, 160 min
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case_id = open_at(
        db,
        world,
        t,
        group_id=world.group_a,
        assignee_id=world.agent_a.user_id,
        follower_ids=[world.agent_b.user_id],
    )
    assert row(db, case_id).sla_check_at == t + timedelta(minutes=80)

    assert sla_sweep(db, t + timedelta(minutes=79)) == 0
    assert sla_sweep(db, t + timedelta(minutes=81)) == 1
    assert sla_sweep(db, t + timedelta(minutes=82)) == 0  # nothing new until the due date
    stored = row(db, case_id)
    assert (stored.alert_level, stored.alert_timeout_at) == (1, t + timedelta(minutes=100))
    assert sla_sweep(db, t + timedelta(minutes=101)) == 1

    escalations = audits(db, "case.escalated")
    assert [(a.changes["alert_level"], a.actor_label) for a in escalations] == [
        ({"from": 0, "to": 1}, "scheduler"),
        ({"from": 1, "to": 2}, "scheduler"),
    ]
    assert escalations[0].changes["target"]["to"] == "resolution"
    with db.read() as s:
        events = s.scalars(
            select(OutboxEvent.payload)
            .where(OutboxEvent.topic == "case.escalated")
            .order_by(OutboxEvent.id)
        ).all()
    assert [(e["level"], e["recipients"]) for e in events] == [
        (1, [world.agent_a.user_id, world.agent_b.user_id]),
        (2, [world.agent_a.user_id, world.agent_b.user_id]),
    ]


def test_a_sweep_after_a_long_pause_escalates_once_to_the_level_reached(
    db: Database, world: World
) -> None:
    policy(db, world, resolution_minutes=100)
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case_id = open_at(db, world, t)
    assert sla_sweep(db, t + timedelta(hours=5)) == 1
    [escalation] = audits(db, "case.escalated")
    assert escalation.changes["alert_level"] == {"from": 0, "to": 3}
    stored = row(db, case_id)
    assert (stored.alert_level, stored.alert_timeout_at, stored.sla_check_at) == (3, None, None)


def test_a_policy_change_is_applied_by_the_next_sweep(db: Database, world: World) -> None:
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    case_id = open_at(db, world, t)
    assert row(db, case_id).sla_check_at is None
    policy(db, world, resolution_minutes=60)
    assert sla_sweep(db, t + timedelta(minutes=1)) == 1
    assert row(db, case_id).resolution_due_at == t + timedelta(minutes=60)


def test_counting_escalations(db: Database, world: World) -> None:
    """Each case is escalated exactly once however often the sweep runs."""
    policy(db, world, resolution_minutes=10)
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    ids = [open_at(db, world, t) for _ in range(3)]
    for minutes in (9, 9, 10):
        sla_sweep(db, t + timedelta(minutes=minutes))
    with db.read() as s:
        counts = {
            case_id: n
            for case_id, n in s.execute(
                select(AuditEntry.case_id, func.count())
                .where(AuditEntry.action == "case.escalated")
                .group_by(AuditEntry.case_id)
            )
        }
    assert counts == dict.fromkeys(ids, 2)  # level 1 at 8 minutes, level 2 at 10
