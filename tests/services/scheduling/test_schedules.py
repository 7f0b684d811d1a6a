"""Scheduled cases: opened from a template at local time, once per occurrence."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casedesk.domain.errors import ValidationFailed
from casedesk.services.cases import templates
from casedesk.services.cases.templates import TemplateCreate, TemplateFields
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.schedules import RecurrenceIn, ScheduleCreate, SchedulePatch
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, User
from tests.factories import World, make_world

OSLO = "Europe/Oslo"
# Monday 23 March 2026, 10:00 in Oslo (UTC+1 until the 29th).
CREATED = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _schedule(db: Database, world: World, recurrence: RecurrenceIn, **kw: object) -> int:
    template = templates.create_template(
        db,
        world.admin.principal,
        TemplateCreate(
            name="Weekly check",
            fields=TemplateFields(title="Check the backups", group_id=world.group_a),
        ),
    )
    made = schedules.create_schedule(
        db,
        world.admin.principal,
        ScheduleCreate(
            name="Backups",
            template_id=template.id,
            recurrence=recurrence,
            time_zone=OSLO,
            **kw,  # type: ignore[arg-type]
        ),
        now=CREATED,
    )
    return made.id


def _cases(db: Database) -> list[tuple[str, str, datetime]]:
    with db.read() as s:
        rows = s.execute(select(Case.title, Case.origin, Case.created_at).order_by(Case.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


DAILY_9 = RecurrenceIn(kind="daily", at="09:00")


def test_a_daily_schedule_opens_its_case_at_local_time_once(db: Database) -> None:
    world = make_world(db)
    schedule_id = _schedule(db, world, DAILY_9)
    # Created at 10:00 local: today's 09:00 has passed, so the first run is tomorrow.
    tuesday_9 = _utc(2026, 3, 24, 8, 0)
    assert schedules.get_schedule(db, world.admin.principal, schedule_id).next_run_at == tuesday_9

    assert schedules.run_schedules(db, _utc(2026, 3, 24, 7, 59)) == 0
    assert schedules.run_schedules(db, tuesday_9) == 1
    assert schedules.run_schedules(db, _utc(2026, 3, 24, 8, 30)) == 0
    assert _cases(db) == [("Check the backups", "scheduled", tuesday_9)]
    after = schedules.get_schedule(db, world.admin.principal, schedule_id)
    assert (after.last_run_at, after.next_run_at) == (tuesday_9, _utc(2026, 3, 25, 8, 0))


def test_local_time_holds_across_the_change_to_summer_time(db: Database) -> None:
    world = make_world(db)
    schedule_id = _schedule(db, world, DAILY_9)
    # Summer time starts on Sunday 29 March: 09:00 in Oslo is 07:00Z from then on.
    assert schedules.run_schedules(db, _utc(2026, 3, 28, 8, 0)) == 1  # Saturday, UTC+1
    assert schedules.run_schedules(db, _utc(2026, 3, 29, 7, 0)) == 1  # Sunday, UTC+2
    assert schedules.get_schedule(db, world.admin.principal, schedule_id).next_run_at == _utc(
        2026, 3, 30, 7, 0
    )


def test_after_an_outage_only_the_latest_missed_occurrence_is_opened(db: Database) -> None:
    world = make_world(db)
    schedule_id = _schedule(db, world, DAILY_9)
    # Down from Monday until Friday noon: Tuesday..Friday 09:00 were missed.
    assert schedules.run_schedules(db, _utc(2026, 3, 27, 11, 0)) == 1
    assert [c[2] for c in _cases(db)] == [_utc(2026, 3, 27, 11, 0)]
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "schedule.ran")).one()
    assert entry.entity_id == schedule_id
    assert entry.changes["occurrence"]["to"] == "2026-03-27T08:00:00+00:00"
    assert entry.changes["skipped_earlier"]["to"] is True


def test_weekly_schedules_run_on_their_weekdays(db: Database) -> None:
    world = make_world(db)
    _schedule(db, world, RecurrenceIn(kind="weekly", weekdays=[1, 4], at="08:00"))
    opened = [
        schedules.run_schedules(db, _utc(2026, 3, day, 12, 0)) for day in range(24, 31)
    ]  # Tuesday 24 .. Monday 30
    assert opened == [0, 0, 1, 0, 0, 0, 1]


def test_two_workers_open_one_case_per_occurrence(db: Database) -> None:
    world = make_world(db)
    _schedule(db, world, DAILY_9)
    start = threading.Barrier(2)
    opened: list[int] = []

    def run() -> None:
        start.wait()
        opened.append(schedules.run_schedules(db, _utc(2026, 3, 24, 8, 0)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(opened) == [0, 1]
    assert len(_cases(db)) == 1


def test_an_occurrence_that_cannot_open_is_recorded_and_the_schedule_goes_on(
    db: Database,
) -> None:
    world = make_world(db)
    schedule_id = _schedule(db, world, DAILY_9, run_as_user_id=world.agent_a.user_id)
    with db.write() as s:
        user = s.get(User, world.agent_a.user_id)
        assert user is not None
        user.is_active = False

    assert schedules.run_schedules(db, _utc(2026, 3, 24, 8, 0)) == 0
    assert _cases(db) == []
    with db.read() as s:
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "schedule.failed")).one()
        assert "run_as_user_id" in failed.changes["error"]["to"]
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    after = schedules.get_schedule(db, world.admin.principal, schedule_id)
    assert after.next_run_at == _utc(2026, 3, 25, 8, 0)


def test_a_changed_schedule_starts_afresh(db: Database) -> None:
    world = make_world(db)
    schedule_id = _schedule(db, world, DAILY_9)
    schedules.update_schedule(
        db,
        world.admin.principal,
        schedule_id,
        SchedulePatch(recurrence=RecurrenceIn(kind="cron", expression="30 7 * * *")),
        now=_utc(2026, 3, 24, 7, 0),  # 08:00 local
    )
    # 07:30 local today has passed at the change; 09:00 no longer applies.
    assert schedules.run_schedules(db, _utc(2026, 3, 24, 8, 0)) == 0
    assert schedules.run_schedules(db, _utc(2026, 3, 25, 6, 30)) == 1


@pytest.mark.parametrize(
    ("recurrence", "field"),
    [
        (RecurrenceIn(kind="weekly", at="09:00"), "recurrence.weekdays"),
        (RecurrenceIn(kind="cron", expression="61 * * * *"), "recurrence.expression"),
        (RecurrenceIn(kind="daily", at="09:00", day=3), "recurrence.day"),
        (RecurrenceIn(kind="daily"), "recurrence.at"),
    ],
)
def test_bad_recurrences_are_refused_naming_the_field(
    db: Database, recurrence: RecurrenceIn, field: str
) -> None:
    world = make_world(db)
    with pytest.raises(ValidationFailed) as err:
        _schedule(db, world, recurrence)
    assert err.value.field == field
