"""The demo data set shows what casedesk does: business calendars, SLA policies with
open cases on time, near their due time and breached (whenever it is loaded), a case
opened by a schedule, and time booked on cases. Checked through the services, as the
console and the API would see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casedesk.domain.escalation import Light
from casedesk.domain.permissions import Principal
from casedesk.services.billing import time_entries
from casedesk.services.cases.lookup import due_light
from casedesk.services.cases.schemas import CaseOut, CaseQuery
from casedesk.services.cases.search import search_cases
from casedesk.services.demo import ADMIN_EMAIL, ADMIN_PASSWORD, load_demo
from casedesk.services.identity.auth import authenticate_password
from casedesk.services.reference import calendars, priorities, sla_policies
from casedesk.services.scheduling import schedules
from casedesk.services.sla.case_times import case_times
from casedesk.store.db import Database
from casedesk.store.models import Case

RUNNING = [1, 7]  # open, awaiting internal: the SLA clocks run


def _cases(db: Database, admin: Principal, **query: object) -> list[CaseOut]:
    return search_cases(db, admin, CaseQuery.model_validate({"limit": 200, **query})).items


# Loaded at several instants: a weekday afternoon, a Sunday night, a holiday morning.
@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 11, 15, 30, tzinfo=UTC),
        datetime(2026, 6, 14, 23, 5, tzinfo=UTC),
        datetime(2026, 12, 25, 8, 0, tzinfo=UTC),
    ],
)
def test_demo_shows_slas_at_every_stage(db: Database, now: datetime) -> None:
    summary = load_demo(db, now=now)
    admin = authenticate_password(db, ADMIN_EMAIL, ADMIN_PASSWORD)

    # The light of the case page, and the one of the console's list (from the stored
    # SLA fields, so the sweep after the load must have brought them up to now).
    lights: dict[Light, list[CaseOut]] = {light: [] for light in Light}
    for case in _cases(db, admin, status=RUNNING):
        light = case_times(db, admin, case.id, now=now).light
        if due_light(case, now)[0] == light:
            lights[light].append(case)
    assert lights[Light.GREEN] and lights[Light.YELLOW] and lights[Light.RED]

    # near due: not yet missed, and (counting around the clock) one is due within hours
    near = [due_light(c, now)[1] for c in lights[Light.YELLOW]]
    assert all(due is not None and due > now for due in near)
    assert any(due is not None and due <= now + timedelta(hours=2) for due in near)
    assert any(case_times(db, admin, c.id, now=now).breaches for c in lights[Light.RED])
    on_time = [due_light(c, now)[1] for c in lights[Light.GREEN]]
    assert any(due is not None and due > now for due in on_time)
    assert summary.cases_total == len(_cases(db, admin))


def test_demo_has_calendars_policies_a_schedule_and_time_entries(db: Database) -> None:
    now = datetime(2026, 9, 2, 17, 45, tzinfo=UTC)
    load_demo(db, now=now)
    admin = authenticate_password(db, ADMIN_EMAIL, ADMIN_PASSWORD)

    office = {c.name: c for c in calendars.list_calendars(db, admin)}
    assert {"Seattle office", "Oslo office"} <= office.keys()
    assert office["Seattle office"].hours["0"] and not office["Seattle office"].hours.get("6")
    counted_in = {p.name: p.calendar_id for p in priorities.list_priorities(db, admin)}
    assert counted_in["Medium"] == office["Seattle office"].id
    assert counted_in["Critical"] is None  # around the clock
    policies = sla_policies.list_policies(db, admin)
    assert len(policies) >= 3
    assert any(p.priority_id is None and p.organization_id is None for p in policies)

    (schedule,) = schedules.list_schedules(db, admin)
    assert schedule.is_active and schedule.next_run_at is not None and schedule.next_run_at > now
    with db.read() as s:
        scheduled = s.scalars(select(Case).where(Case.origin == "scheduled")).all()
    assert [c.title for c in scheduled] == ["Weekly backup check"]

    booked = [
        time_entries.list_time_entries(db, admin, case.id).totals for case in _cases(db, admin)
    ]
    assert sum(1 for t in booked if t.seconds) >= 10
    assert sum(t.billable_amount for t in booked) > 0


def test_loading_again_adds_nothing(db: Database) -> None:
    now = datetime(2026, 9, 2, 17, 45, tzinfo=UTC)
    first = load_demo(db, now=now)
    assert first.cases_created == first.cases_total  # the scheduled case included
    again = load_demo(db, now=now + timedelta(days=1))
    assert again.cases_created == 0
    assert again.cases_total == first.cases_total
    admin = authenticate_password(db, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert len(schedules.list_schedules(db, admin)) == 1
    assert len(sla_policies.list_policies(db, admin)) == 3
