"""A canned response filled in for one case, in the sandbox (``sandbox``).

The placeholders a snippet may use, each a plain mapping of text:

- ``case``: ``number`` (as shown, ``TCK-3``), ``id``, ``title``, ``status``;
- ``contact``: ``first_name``, ``last_name``, ``name``, ``email`` (empty without one);
- ``organization``: ``name``;
- ``agent`` (who inserts it): ``name``, ``first_name``, ``email``.

Only snippets and cases the caller may see are read; an unknown placeholder or a
refused construct is a ``ValidationFailed`` naming it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.domain.numbering import format_case_number
from casedesk.domain.permissions import Principal
from casedesk.services.canned import sandbox
from casedesk.services.canned.responses import load
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMember,
    CaseStatus,
    Contact,
    ContactEmail,
    Corporation,
    Organization,
    User,
)


def render_canned(db: Database, principal: Principal, canned_id: int, case_id: int) -> str:
    """Snippet ``canned_id`` filled in for case ``case_id``."""
    with db.read() as s:
        row = load(s, principal, canned_id)
        case = load_case(s, principal, case_id)
        return sandbox.render(row.body, placeholders(s, principal, case))


def placeholders(s: Session, principal: Principal, case: Case) -> dict[str, Any]:
    corp = s.get(Corporation, case.corporation_id)
    status = s.get(CaseStatus, case.status_id)
    contact_id = s.scalar(
        select(CaseMember.contact_id)
        .where(
            CaseMember.case_id == case.id,
            CaseMember.role == int(MemberRole.CONTACT),
            CaseMember.end_at.is_(None),
        )
        .limit(1)
    )
    contact = s.get(Contact, contact_id) if contact_id is not None else None
    email = ""
    if contact is not None:
        email = (
            s.scalar(
                select(ContactEmail.email)
                .where(ContactEmail.contact_id == contact.id)
                .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
                .limit(1)
            )
            or ""
        )
    organization = (
        s.get(Organization, case.organization_id) if case.organization_id is not None else None
    )
    agent = s.get(User, principal.user_id)
    agent_name = (agent.name or agent.email) if agent is not None else ""
    first, last = (contact.first_name, contact.last_name) if contact else ("", "")
    return {
        "case": {
            "id": case.id,
            "number": format_case_number(corp.case_prefix if corp else "", case.number),
            "title": case.title,
            "status": status.name if status is not None else "",
        },
        "contact": {
            "first_name": first,
            "last_name": last,
            "name": f"{first} {last}".strip(),
            "email": email,
        },
        "organization": {"name": organization.name if organization is not None else ""},
        "agent": {
            "name": agent_name,
            "first_name": agent_name.split(" ")[0],
            "email": agent.email if agent is not None else "",
        },
    }
