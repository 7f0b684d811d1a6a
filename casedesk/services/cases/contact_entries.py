"""The people to contact about a case as a client listed them (Case Management's
``contacts``): each with its role, the registered users it names, or a name and its
channels (EMAIL, PHONE, …). They are kept beside the case's own contact so a read gives
the list back exactly as it was sent; the case's ``contact_id`` stays the first
registered user, as before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Principal
from casedesk.services.attachments.uploads import UploadRef, attach_uploads_in
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate, CaseOut, MessageCreate
from casedesk.services.cases.views import build_one
from casedesk.services.kernel.access import read_case
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseContactEntry


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Annotated[str, Field(min_length=1, max_length=32)]
    value: Annotated[str, Field(min_length=1, max_length=320)]


class ContactEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Annotated[str, Field(min_length=1, max_length=32)]
    first_name: Annotated[str, Field(max_length=100)] | None = None
    last_name: Annotated[str, Field(max_length=100)] | None = None
    registered_users: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    channels: list[Channel] = []


def open_case_with_contacts(
    db: Database,
    principal: Principal,
    data: CaseCreate,
    entries: Sequence[ContactEntry],
    *,
    notes: Sequence[MessageCreate] = (),
    uploads: Sequence[UploadRef] = (),
    now: datetime | None = None,
) -> CaseOut:
    """``cases.core.open_case`` that also keeps ``entries``, all in one transaction."""
    now = now or utcnow()
    with db.write() as s:
        opened = open_case_in(s, principal, data, now, notes=notes)
        case = s.get_one(Case, opened.id)
        if uploads:
            attach_uploads_in(s, principal, case, uploads, now)
        for position, e in enumerate(entries):
            s.add(
                CaseContactEntry(
                    case_id=case.id,
                    position=position,
                    role=e.role,
                    first_name=e.first_name,
                    last_name=e.last_name,
                    registered_users=list(e.registered_users),
                    channels=[c.model_dump() for c in e.channels],
                )
            )
        s.flush()
        return build_one(s, case, principal) if uploads else opened


def list_entries(db: Database, principal: Principal, case_id: int) -> list[ContactEntry]:
    """The case's listed contacts in the order sent (the caller must see the case)."""
    with db.read() as s:
        read_case(s, principal, case_id)
        return entries_in(s, case_id)


def entries_in(s: Session, case_id: int) -> list[ContactEntry]:
    rows = s.scalars(
        select(CaseContactEntry)
        .where(CaseContactEntry.case_id == case_id)
        .order_by(CaseContactEntry.position, CaseContactEntry.id)
    )
    return [
        ContactEntry(
            role=r.role,
            first_name=r.first_name,
            last_name=r.last_name,
            registered_users=r.registered_users or [],
            channels=[Channel(**c) for c in r.channels or []],
        )
        for r in rows
    ]
