"""The code table coded cases are opened with (seed 004): the corporation's own rows,
or the default table (``domain.case_codes``) while it has none.

Reading is open to everyone in the corporation; replacing the table needs
``manage_reference``. A code not in the table, or details sent with a code that takes
none, is refused naming the field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.domain.case_codes import DEFAULT_TABLE, CaseCode, TicketType
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import In, Out, require_manager
from casedesk.store.db import Database
from casedesk.store.models import CaseCode as CaseCodeRow

Code = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S+$")]


class CaseCodeIn(In):
    code: Code
    ticket_type: TicketType = TicketType.CASE
    takes_details: bool = False


class CaseCodeOut(Out):
    code: str
    ticket_type: TicketType
    takes_details: bool


class CaseCodeTable(Out):
    is_default: bool = Field(description="True while the corporation uses the default table.")
    items: list[CaseCodeOut]


class CaseCodeTableIn(In):
    items: Annotated[list[CaseCodeIn], Field(max_length=5000)] = Field(
        description="The whole table; an empty list goes back to the default table."
    )


def table(s: Session, corporation_id: int) -> dict[str, CaseCode]:
    rows = s.scalars(
        select(CaseCodeRow)
        .where(CaseCodeRow.corporation_id == corporation_id)
        .order_by(CaseCodeRow.code)
    ).all()
    if not rows:
        return dict(DEFAULT_TABLE)
    return {r.code: CaseCode(r.code, TicketType(r.ticket_type), r.takes_details) for r in rows}


def lookup(db: Database, principal: Principal, code: str, *, with_details: bool) -> CaseCode:
    """The code's entry, or ValidationFailed naming ``code`` (or ``details``)."""
    with db.read() as s:
        found = table(s, principal.corporation_id).get(code)
    if found is None:
        raise ValidationFailed(f"code {code!r} is not in the code table", field="code")
    if with_details and not found.takes_details:
        raise ValidationFailed(f"code {code} takes no details", field="details")
    return found


def get_table(db: Database, principal: Principal) -> CaseCodeTable:
    with db.read() as s:
        own = s.scalar(
            select(CaseCodeRow.id).where(CaseCodeRow.corporation_id == principal.corporation_id)
        )
        items = table(s, principal.corporation_id)
    return CaseCodeTable(
        is_default=own is None,
        items=[
            CaseCodeOut(code=c.code, ticket_type=c.ticket_type, takes_details=c.takes_details)
            for c in items.values()
        ],
    )


def replace_table(db: Database, principal: Principal, data: CaseCodeTableIn) -> CaseCodeTable:
    require_manager(principal)
    codes = [i.code for i in data.items]
    if len(set(codes)) != len(codes):
        raise ValidationFailed("each code appears once", field="items")
    corp = principal.corporation_id
    with db.write() as s:
        s.execute(delete(CaseCodeRow).where(CaseCodeRow.corporation_id == corp))
        s.add_all(
            CaseCodeRow(
                corporation_id=corp,
                code=i.code,
                ticket_type=i.ticket_type.value,
                takes_details=i.takes_details,
            )
            for i in data.items
        )
        audit.record(
            s,
            principal,
            corp,
            "case_codes.replaced",
            "corporation",
            corp,
            changes={"codes": {"from": None, "to": len(codes)}},
        )
    return get_table(db, principal)
