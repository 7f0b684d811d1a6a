"""The demo's promises: business calendars for the offices, the calendar each priority
counts in, and SLA policies (a standard one in office hours, a stricter one around the
clock for critical cases, and a customer's contract).

They are made before the cases, so every case is measured from its opening, as it
would be in a desk that had them from the start.
"""

from __future__ import annotations

from datetime import datetime

from casedesk.domain.permissions import Principal
from casedesk.services.demo.data import PRIORITY_CALENDARS, SLA_POLICIES, calendars
from casedesk.services.demo.reference import Ids
from casedesk.services.reference import calendars as calendars_
from casedesk.services.reference import priorities, sla_policies
from casedesk.store.db import Database


def service_levels(db: Database, admin: Principal, ids: Ids, now: datetime) -> None:
    by_name = _calendars(db, admin, now)
    _priority_calendars(db, admin, ids, by_name)
    _policies(db, admin, ids)


def _calendars(db: Database, admin: Principal, now: datetime) -> dict[str, int]:
    have = {c.name: c.id for c in calendars_.list_calendars(db, admin)}
    for name, zone, hours, holidays in calendars(now.year):
        if name not in have:
            data = calendars_.CalendarCreate.model_validate(
                {"name": name, "time_zone": zone, "hours": hours, "holidays": holidays}
            )
            have[name] = calendars_.create_calendar(db, admin, data).id
    return have


def _priority_calendars(db: Database, admin: Principal, ids: Ids, by_name: dict[str, int]) -> None:
    """Give each priority its calendar, unless it has one already (an admin's choice)."""
    current = {p.name: p.calendar_id for p in priorities.list_priorities(db, admin)}
    for priority, calendar in PRIORITY_CALENDARS.items():
        if calendar and priority in ids.priorities and current.get(priority) is None:
            patch = priorities.PriorityPatch(calendar_id=by_name[calendar])
            priorities.update_priority(db, admin, ids.priorities[priority], patch)


def _policies(db: Database, admin: Principal, ids: Ids) -> None:
    have = {p.name for p in sla_policies.list_policies(db, admin)}
    for position, spec in enumerate(SLA_POLICIES):
        name, priority, organization, first, following, resolution = spec
        if name in have:
            continue
        data = sla_policies.SlaPolicyCreate(
            name=name,
            priority_id=ids.priorities[priority] if priority else None,
            organization_id=ids.organizations[organization] if organization else None,
            first_response_minutes=first,
            next_response_minutes=following,
            resolution_minutes=resolution,
            position=position,
        )
        sla_policies.create_policy(db, admin, data)
