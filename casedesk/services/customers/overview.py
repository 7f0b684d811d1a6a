"""The customer beside a case, and the cases on a contact's or organization's page.

Every list of cases here is a case search as the agent, so it holds only cases of the
agent's groups (a case of another group is not counted, named or linked). Contacts and
organizations themselves are the corporation's, as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Principal
from casedesk.services.cases.schemas import CaseOut, CaseQuery
from casedesk.services.cases.search import search_cases
from casedesk.services.reference.contacts import ContactOut, get_contact
from casedesk.services.reference.organizations import OrganizationOut, get_organization
from casedesk.store.db import Database

T = TypeVar("T")

#: Internal statuses a case is still being worked in (not Closed, Deleted, Merged, Spam).
OPEN_STATUSES = [1, 3, 7, 8]
#: How many cases each list of the panel shows (the pages show more).
PANEL_LIMIT = 10
RECENT_LIMIT = 5


@dataclass(frozen=True, slots=True)
class CustomerPanel:
    """Who a case is for, with their other cases the agent may see."""

    contact: ContactOut | None
    organization: OrganizationOut | None
    contact_open: list[CaseOut] = field(default_factory=list)
    contact_recent: list[CaseOut] = field(default_factory=list)
    organization_open: list[CaseOut] = field(default_factory=list)
    #: The organizations the case's contact belongs to: the ones the case may be for.
    contact_organizations: list[OrganizationOut] = field(default_factory=list)


def cases_of(
    db: Database,
    principal: Principal,
    *,
    contact_id: int | None = None,
    organization_id: int | None = None,
    open_only: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[CaseOut], str | None]:
    """A contact's or an organization's cases the agent may see, latest activity first,
    and the cursor of the next page."""
    query = CaseQuery(
        contact_id=[contact_id] if contact_id is not None else [],
        organization_id=[organization_id] if organization_id is not None else [],
        status=OPEN_STATUSES if open_only else [],
        limit=limit,
        cursor=cursor,
    )
    page = search_cases(db, principal, query)
    return page.items, page.next_cursor


def customer_panel(db: Database, principal: Principal, case: CaseOut) -> CustomerPanel:
    """The panel of ``case`` (which the caller has read): its contact and organization
    and their other cases, this one left out."""
    contact = _maybe(lambda: get_contact(db, principal, case.contact_id or 0), case.contact_id)
    org_id = case.organization_id or (contact.organization_id if contact else None)
    organization = _maybe(lambda: get_organization(db, principal, org_id or 0), org_id)

    def others(cases: list[CaseOut], limit: int) -> list[CaseOut]:
        return [c for c in cases if c.id != case.id][:limit]

    panel = CustomerPanel(contact, organization)
    for oid in contact.organization_ids if contact is not None else []:
        found = _maybe(partial(get_organization, db, principal, oid), oid)
        if found is not None:
            panel.contact_organizations.append(found)
    if contact is not None:
        opened, _ = cases_of(
            db, principal, contact_id=contact.id, open_only=True, limit=PANEL_LIMIT + 1
        )
        recent, _ = cases_of(db, principal, contact_id=contact.id, limit=RECENT_LIMIT * 2 + 1)
        open_ids = {c.id for c in opened}
        panel.contact_open.extend(others(opened, PANEL_LIMIT))
        panel.contact_recent.extend(
            others([c for c in recent if c.id not in open_ids], RECENT_LIMIT)
        )
    if organization is not None:
        org_open, _ = cases_of(
            db, principal, organization_id=organization.id, open_only=True, limit=PANEL_LIMIT + 1
        )
        panel.organization_open.extend(others(org_open, PANEL_LIMIT))
    return panel


def _maybe(read: Callable[[], T], ref: int | None) -> T | None:
    """The row read, or None when there is no reference or it is gone."""
    if ref is None:
        return None
    try:
        return read()
    except NotFound:
        return None
