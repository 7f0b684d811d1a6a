"""Everything a TicketEntity shows, read through the services for one case."""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.assist import reads as assist
from casedesk.services.assist.reads import InsightOut
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments.attaching import AttachmentOut
from casedesk.services.billing import time_entries
from casedesk.services.cases import core as cases
from casedesk.services.cases import extra_values, messages, secondary_contacts, tags
from casedesk.services.cases.schemas import CaseOut, MessageOut
from casedesk.services.kernel.database import Database
from casedesk.services.reference import (
    accounts,
    categories,
    contacts,
    organizations,
    priorities,
    statuses,
)
from casedesk.services.reference.categories import CategoryOut
from casedesk.services.reference.contacts import ContactOut
from casedesk.services.reference.priorities import PriorityOut
from casedesk.services.reference.statuses import StatusOut
from casedesk.services.sla import case_times
from casedesk.services.sla.case_times import CaseTimesOut


@dataclass(frozen=True)
class TicketFacts:
    case: CaseOut
    times: CaseTimesOut
    messages: list[MessageOut]
    attachments: list[AttachmentOut]
    seconds_logged: int
    tag_ids: dict[str, int]
    extra_values: dict[str, str | None]
    users: dict[int, str]
    contact: ContactOut | None
    organization_name: str | None
    #: Secondary contacts with the name of their organization.
    secondary: list[tuple[ContactOut, str | None]]
    category: CategoryOut | None
    priority: PriorityOut | None
    status: StatusOut
    can_edit: bool
    can_delete: bool
    #: Language, sentiment and category suggestion worked out by the assist jobs.
    insight: InsightOut


def read_ticket(db: Database, principal: Principal, case_id: int) -> TicketFacts:
    case = cases.get_case(db, principal, case_id)
    msgs = messages.list_messages(db, principal, case_id)
    files = (
        attachments.list_attachments(db, principal, case_id)
        if principal.can(Permission.VIEW_ATTACHMENTS)
        else []
    )
    user_ids = {u for u in (case.assignee_id, case.creator_id) if u}
    user_ids |= {m.author_user_id for m in msgs if m.author_user_id}
    users = {uid: accounts.get_user(db, principal, uid).name for uid in sorted(user_ids)}
    contact = contacts.get_contact(db, principal, case.contact_id) if case.contact_id else None
    org_id = case.organization_id or (contact.organization_id if contact else None)
    org = organizations.get_organization(db, principal, org_id) if org_id else None
    secondary = []
    for cid in secondary_contacts.secondary_contact_ids(db, principal, case_id):
        person = contacts.get_contact(db, principal, cid)
        their = person.organization_id
        name = organizations.get_organization(db, principal, their).name if their else None
        secondary.append((person, name))
    cats = {c.id: c for c in categories.list_categories(db, principal)}
    prios = {p.id: p for p in priorities.list_priorities(db, principal)}
    stats = {s.id: s for s in statuses.list_statuses(db, principal)}
    return TicketFacts(
        case=case,
        times=case_times.case_times(db, principal, case_id),
        messages=msgs,
        attachments=files,
        seconds_logged=time_entries.time_totals(db, principal, case_id).seconds,
        tag_ids=tags.tag_ids(db, principal, case_id),
        extra_values=extra_values.read_extra_values(db, principal, case_id),
        users=users,
        contact=contact,
        organization_name=org.name if org else None,
        secondary=secondary,
        category=cats.get(case.category_id) if case.category_id else None,
        priority=prios.get(case.priority_id),
        status=stats[case.status_id],
        can_edit=principal.can(Permission.EDIT_CASE),
        can_delete=principal.can(Permission.DELETE_CASE),
        insight=assist.case_insight(db, principal, case_id),
    )
