"""A small, realistic helpdesk to try casedesk with: "Demo Corp" with two groups, an
admin and two agents, a category tree, queues, three customer organizations with their
contacts and assets, two custom fields, business calendars for two offices, SLA
policies, a weekly scheduled case, and about forty cases over the last month in every
state a helpdesk sees, with their conversations and the time booked on them. A few
cases are opened just before the load, so that the SLA lights show a case on time, one
near its due time and one breached whenever the demo is loaded.

Everything goes through the same use-cases the API uses, so the rules hold and the
audit log reads like a real one. Loading is idempotent: what exists (found by its
name, email address or case title) is left alone, so a second load adds nothing and a
load cut short is completed by the next one.

The modules: ``data`` (what the set holds), ``people``, ``reference`` (groups,
categories, customers, ...), ``service_levels`` (calendars and SLA policies),
``stories`` (the cases), ``scheduled`` (template and schedule), ``knowledge`` (help
articles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from casedesk.services.demo import people
from casedesk.services.demo.canned import canned_responses
from casedesk.services.demo.data import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    CORPORATION,
    PORTAL_EMAIL,
    PORTAL_PASSWORD,
)
from casedesk.services.demo.knowledge import knowledge_base
from casedesk.services.demo.reference import reference_data
from casedesk.services.demo.scheduled import scheduled_work
from casedesk.services.demo.service_levels import service_levels
from casedesk.services.demo.stories import tell_cases
from casedesk.services.kernel.clock import utcnow
from casedesk.services.sla.state import sla_sweep
from casedesk.store.db import Database
from casedesk.store.models import Case

__all__ = [
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "AGENT_PASSWORD",
    "CORPORATION",
    "PORTAL_EMAIL",
    "PORTAL_PASSWORD",
    "DemoSummary",
    "load_demo",
]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    corporation_id: int
    admin_email: str
    admin_password: str
    cases_created: int
    cases_total: int
    portal_email: str = PORTAL_EMAIL
    portal_password: str = PORTAL_PASSWORD


def load_demo(db: Database, *, now: datetime | None = None, seed: int = 7) -> DemoSummary:
    """Load (or complete) the demo data set; see the module docstring. Times are
    relative to ``now``: the cases' month ends there."""
    now = now or utcnow()
    corp_id = people.corporation(db)
    admin = people.admin(db, corp_id)
    ids = reference_data(db, admin)
    agents = people.agents(db, admin)
    service_levels(db, admin, ids, now)
    created = tell_cases(db, admin, agents, ids, now, seed)
    created += scheduled_work(db, admin, agents, ids, now)
    canned_responses(db, admin, agents, ids.groups)
    knowledge_base(db, admin)
    # What the SLA sweep would do at its next run: the cases told in the past have
    # reached alert levels and due dates since, which the lists show from the case rows.
    sla_sweep(db, now)
    with db.read() as s:
        total = s.scalar(
            select(func.count()).select_from(Case).where(Case.corporation_id == corp_id)
        )
    return DemoSummary(corp_id, ADMIN_EMAIL, ADMIN_PASSWORD, created, int(total or 0))
