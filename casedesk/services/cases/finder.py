"""The console's search box: one text, found where a person would look for it.

A case by its number (``TCK-3``, ``3``) or id (``id:57``), contacts by name or email
address, organizations by name, and cases by their text (the full-text search service,
as the case lists use it), each group apart. Cases are only ever the caller's visible
ones (the same filter as every case read); contacts and organizations are the
corporation's, as the API lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases.core import get_case
from casedesk.services.cases.lookup import find_case_id
from casedesk.services.cases.schemas import CaseOut, CaseQuery
from casedesk.services.cases.search import search_cases
from casedesk.services.reference.contacts import ContactOut, list_contacts
from casedesk.services.reference.organizations import OrganizationOut, list_organizations
from casedesk.store.db import Database

#: How many of each group the box shows; the case list shows the rest of the cases.
GROUP_SIZE = 10


@dataclass(frozen=True, slots=True)
class Found:
    text: str
    by_number: CaseOut | None = None
    cases: list[CaseOut] = field(default_factory=list)
    more_cases: bool = False
    contacts: list[ContactOut] = field(default_factory=list)
    organizations: list[OrganizationOut] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.by_number or self.cases or self.contacts or self.organizations)


def find(db: Database, principal: Principal, text: str) -> Found:
    """Everything ``text`` finds for the caller, grouped. Blank text finds nothing."""
    text = text.replace("\0", "").strip()
    if not text:
        return Found(text)
    by_number = _by_number(db, principal, text)
    page = search_cases(
        db, principal, CaseQuery(q=text, limit=GROUP_SIZE, sort="-last_activity_at")
    )
    cases = [c for c in page.items if by_number is None or c.id != by_number.id]
    return Found(
        text,
        by_number,
        cases,
        page.next_cursor is not None,
        list_contacts(db, principal, q=text, limit=GROUP_SIZE),
        list_organizations(db, principal, q=text, limit=GROUP_SIZE),
    )


def _by_number(db: Database, principal: Principal, text: str) -> CaseOut | None:
    try:
        return get_case(db, principal, find_case_id(db, principal, text, field="q"))
    except (ValidationFailed, NotFound):
        return None
