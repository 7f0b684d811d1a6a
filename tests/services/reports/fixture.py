"""A fixed history for the report tests, driven through the real use-cases with the
app's clock set by hand (``now=``), and the figures it must give, worked out by hand.

Office hours Mon-Fri 09:00-17:00 Europe/Oslo (UTC+1 in March), Tuesday 3 March 2026 a
holiday; an SLA policy of 60 business minutes to first response and 480 to resolution.
The corporation counts days in UTC, so Oslo 10:00 is 09:00 UTC.

Group A (agent Alice):
1. Mon 2 Mar 10:00, replied 10:50 (50 min = 3000 s), closed Wed 09:30
   (Mon 7 h + Tue holiday + Wed 0.5 h = 7.5 h = 27000 s). Both targets met.
2. Mon 16:00, replied Wed 09:30 (Mon 1 h + Wed 0.5 h = 5400 s: first response missed,
   due Wed 09:00), closed Wed 12:00, reopened Thu 10:00, closed Fri 16:00
   (Mon 1 h + Wed 8 h + Thu 8 h + Fri 7 h = 24 h = 86400 s: resolution missed).
3. Wed 09:00, assigned to Alice, replied 09:20 (1200 s), still open; case 6 (opened Wed
   09:05 with a customer message) merged into it at 09:25, so it has 2 messages.
4. Thu 08:00 (before hours), replied 09:10 (600 s), closed Thu 16:00 (7 h = 25200 s).
Group B (agent Bob):
5. Tue 3 Mar 10:00 (the holiday), replied Wed 09:45 (2700 s), open, unassigned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import merging, messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, MessageCreate
from casedesk.services.kernel.references import new_case_defaults, require_default_priority
from casedesk.services.reference import calendars, priorities, sla_policies
from casedesk.services.reference.calendars import CalendarCreate
from casedesk.services.reference.priorities import PriorityPatch
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.store.db import Database
from tests.factories import Actor, World, make_world

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = {str(d): [["09:00", "17:00"]] for d in range(5)}
FROM, TO = date(2026, 3, 2), date(2026, 3, 6)
OPEN, CLOSED = int(InternalStatus.OPEN), int(InternalStatus.CLOSED)


def oslo(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=OSLO).astimezone(UTC)


@dataclass
class History:
    world: World
    case_ids: list[int]


def build(db: Database, after_each: Callable[[], object] = lambda: None) -> History:
    """Make the history; ``after_each`` runs after every change."""
    world = make_world(db)
    admin = world.admin
    with db.read() as s:
        pid = require_default_priority(new_case_defaults(s, world.corporation_id))
    cal = calendars.create_calendar(
        db,
        admin.principal,
        CalendarCreate.model_validate(
            {
                "name": "Office",
                "time_zone": "Europe/Oslo",
                "hours": OFFICE,
                "holidays": ["2026-03-03"],
            }
        ),
    )
    priorities.update_priority(db, admin.principal, pid, PriorityPatch(calendar_id=cal.id))
    sla_policies.create_policy(
        db,
        admin.principal,
        SlaPolicyCreate(name="Standard", first_response_minutes=60, resolution_minutes=480),
    )

    def open_(at: datetime, group: int, actor: Actor = admin, **more: object) -> int:
        data = CaseCreate.model_validate({"title": "Printer", "group_id": group, **more})
        case_id = cases.open_case(db, actor.principal, data, now=at).id
        after_each()
        return case_id

    def say(case_id: int, direction: str, at: datetime) -> None:
        messages.add_message(
            db,
            admin.principal,
            case_id,
            MessageCreate.model_validate({"direction": direction, "body_text": direction}),
            now=at,
        )
        after_each()

    def status(case_id: int, value: int, at: datetime) -> None:
        cases.update_case(db, admin.principal, case_id, CasePatch(status=value), now=at)
        after_each()

    a, b = world.group_a, world.group_b
    c1 = open_(oslo(2, 10), a, origin="email")
    c2 = open_(oslo(2, 16), a, origin="phone")
    say(c1, "outbound", oslo(2, 10, 50))
    c5 = open_(oslo(3, 10), b, origin="email")
    c3 = open_(oslo(4, 9), a, origin="email", assignee_id=world.agent_a.user_id)
    c6 = open_(oslo(4, 9, 5), a, origin="email")
    say(c6, "inbound", oslo(4, 9, 6))
    say(c3, "outbound", oslo(4, 9, 20))
    merging.merge_case(db, admin.principal, c6, c3, now=oslo(4, 9, 25))
    after_each()
    status(c1, CLOSED, oslo(4, 9, 30))
    say(c2, "outbound", oslo(4, 9, 30))
    say(c5, "outbound", oslo(4, 9, 45))
    status(c2, CLOSED, oslo(4, 12))
    c4 = open_(oslo(5, 8), a, origin="portal")
    say(c4, "outbound", oslo(5, 9, 10))
    status(c2, OPEN, oslo(5, 10))
    status(c4, CLOSED, oslo(5, 16))
    status(c2, CLOSED, oslo(6, 16))
    return History(world, [c1, c2, c3, c4, c5, c6])
