"""Secondary contacts of a case: further customer contacts besides the case's contact
member (seed 001's SecondaryPersons), kept in the order given.

They are not members: the contact role has one active member, and the member history
stays the contact's. Setting them replaces the list; each must be a contact of the
caller's corporation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.references import require_ref
from casedesk.store.db import Database
from casedesk.store.models import CaseSecondaryContact, Contact

MAX_CONTACTS = 50


def replace_in(
    session: Session,
    corporation_id: int,
    case_id: int,
    contact_ids: Sequence[int],
    *,
    field: str = "secondary_contact_ids",
) -> dict[str, Any]:
    """Make the case's secondary contacts exactly ``contact_ids`` (duplicates dropped);
    returns the audit change."""
    wanted = list(dict.fromkeys(contact_ids))
    if len(wanted) > MAX_CONTACTS:
        raise ValidationFailed(f"at most {MAX_CONTACTS} secondary contacts", field=field)
    for contact_id in wanted:
        require_ref(session, Contact, contact_id, corporation_id, field)
    current = read_in(session, case_id)
    if current == wanted:
        return {}
    session.execute(delete(CaseSecondaryContact).where(CaseSecondaryContact.case_id == case_id))
    session.add_all(
        CaseSecondaryContact(case_id=case_id, contact_id=c, position=n)
        for n, c in enumerate(wanted)
    )
    return {"secondary_contact_ids": {"from": current, "to": wanted}}


def read_in(session: Session, case_id: int) -> list[int]:
    return list(
        session.scalars(
            select(CaseSecondaryContact.contact_id)
            .where(CaseSecondaryContact.case_id == case_id)
            .order_by(CaseSecondaryContact.position)
        )
    )


def secondary_contact_ids(db: Database, principal: Principal, case_id: int) -> list[int]:
    """The case's secondary contacts, for a caller who may read the case."""
    with db.read() as s:
        load_case(s, principal, case_id)
        return read_in(s, case_id)
