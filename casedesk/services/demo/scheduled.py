"""The demo's recurring work: a case template and a weekly schedule that opens a case
from it, made a week before the load so that its latest occurrence has come and the
scheduler has opened that week's case."""

from __future__ import annotations

from datetime import datetime, timedelta

from casedesk.domain.permissions import Principal
from casedesk.services.cases import templates
from casedesk.services.demo.data import SCHEDULE, TEMPLATE, TEMPLATE_DESCRIPTION
from casedesk.services.demo.reference import Ids
from casedesk.services.scheduling import schedules
from casedesk.store.db import Database


def scheduled_work(
    db: Database, admin: Principal, agents: dict[str, Principal], ids: Ids, now: datetime
) -> int:
    """Make the template and the schedule if missing; how many cases the schedule
    opened (1 on the first load, then 0: later ones are the scheduler's job)."""
    have = {t.name: t.id for t in templates.list_templates(db, admin)}
    if TEMPLATE not in have:
        fields = templates.TemplateFields(
            title=TEMPLATE,
            description=TEMPLATE_DESCRIPTION,
            category_id=ids.categories["Hardware"],
            queue_id=ids.queues["First line"],
            group_id=ids.groups["Service Desk"],
            priority_id=ids.priorities["Low"],
            tags=["maintenance"],
        )
        data = templates.TemplateCreate(name=TEMPLATE, fields=fields)
        have[TEMPLATE] = templates.create_template(db, admin, data).id
    if SCHEDULE not in {s.name for s in schedules.list_schedules(db, admin)}:
        data_ = schedules.ScheduleCreate(
            name=SCHEDULE,
            template_id=have[TEMPLATE],
            recurrence=schedules.RecurrenceIn(kind="weekly", weekdays=[1], at="09:00"),
            time_zone="America/Los_Angeles",
            run_as_user_id=agents["sam"].user_id,
        )
        # A week ago: exactly one occurrence has come since, which the scheduler opens.
        schedules.create_schedule(db, admin, data_, now=now - timedelta(days=7))
        return schedules.run_schedules(db, now)
    return 0
