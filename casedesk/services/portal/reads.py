"""What a customer contact sees in the portal: their cases with the public status, and
a case's external messages with their attachments.

Only what is meant for the customer leaves this module: no internal notes, no
attachments of internal notes or of the case itself (agents may keep internal documents
there), no internal fields and no history beyond the public status. The assignee's
name is shown, so the customer knows who is on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.descriptions import description_to_show
from casedesk.domain.errors import NotFound
from casedesk.domain.members import MemberRole
from casedesk.domain.numbering import format_case_number
from casedesk.domain.permissions import ContactCaller
from casedesk.domain.public_status import PublicStatus, public_status
from casedesk.domain.statuses import InternalStatus
from casedesk.services.portal.access import load_case, readable_cases
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import (
    Attachment,
    CaseMember,
    CaseMessage,
    CaseStatus,
    Contact,
    Corporation,
    StatusHistory,
    User,
)

#: Cases one page of the portal's list shows, newest change first.
LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class PortalCaseRow:
    id: int
    reference: str
    title: str
    status: PublicStatus
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PortalAttachment:
    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class PortalMessage:
    id: int
    #: ``inbound`` from the customer's side, ``outbound`` from the support team.
    direction: str
    author: str
    body_text: str
    body_html: str | None
    created_at: datetime
    attachments: list[PortalAttachment]


@dataclass(frozen=True, slots=True)
class PortalCase:
    id: int
    reference: str
    title: str
    #: The case's description, unless its first message says the same already (cases
    #: opened by mail or in the portal); empty then.
    opening: str
    status: PublicStatus
    created_at: datetime
    updated_at: datetime
    assignee: str
    messages: list[PortalMessage]
    #: Whether the customer can still add to it (a merged case takes nothing more).
    open_for_replies: bool


@dataclass(frozen=True, slots=True)
class PortalFile:
    filename: str
    content_type: str
    sha256: str
    path: Path


def list_cases(db: Database, caller: ContactCaller) -> list[PortalCaseRow]:
    """The contact's cases (and those of each of their organizations, where allowed),
    newest first."""
    inner = readable_cases(caller).subquery()
    stmt = (
        select(
            inner.c.id,
            inner.c.number,
            inner.c.title,
            inner.c.status,
            CaseStatus.public_status,
            inner.c.updated_at,
        )
        .join(CaseStatus, CaseStatus.id == inner.c.status_id)
        .order_by(inner.c.updated_at.desc(), inner.c.id.desc())
        .limit(LIST_LIMIT)
    )
    with db.read() as s:
        prefix = _prefix(s, caller.corporation_id)
        rows = s.execute(stmt).all()
        reasons = _last_reasons(s, [r.id for r in rows])
    return [
        PortalCaseRow(
            id=r.id,
            reference=format_case_number(prefix, r.number),
            title=r.title,
            status=public_status(r.status, r.public_status, reasons.get(r.id)),
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def get_case(db: Database, caller: ContactCaller, case_id: int) -> PortalCase:
    """One case as the customer sees it; NotFound unless the contact may see it."""
    with db.read() as s:
        case = load_case(s, caller, case_id)
        configured = s.scalar(
            select(CaseStatus.public_status).where(CaseStatus.id == case.status_id)
        )
        reason = _last_reasons(s, [case.id]).get(case.id)
        thread = _messages(s, case.id)
        return PortalCase(
            id=case.id,
            reference=format_case_number(_prefix(s, case.corporation_id), case.number),
            title=case.title,
            opening=description_to_show(case.description, thread[0].body_text if thread else None),
            status=public_status(case.status, configured, reason),
            created_at=case.created_at,
            updated_at=case.updated_at,
            assignee=_assignee(s, case.id),
            messages=thread,
            open_for_replies=case.status != InternalStatus.MERGED,
        )


def open_attachment(
    db: Database, store: BlobStore, caller: ContactCaller, case_id: int, attachment_id: int
) -> PortalFile:
    """An attachment of an external message of a case the contact may see; anything
    else (internal notes' files, case-level files, other cases) is NotFound."""
    with db.read() as s:
        load_case(s, caller, case_id)
        row = s.scalars(
            select(Attachment)
            .join(CaseMessage, CaseMessage.id == Attachment.message_id)
            .where(
                Attachment.id == attachment_id,
                Attachment.case_id == case_id,
                CaseMessage.case_id == case_id,
                CaseMessage.visibility == "external",
            )
        ).one_or_none()
    missing = NotFound(f"attachment {attachment_id} not found", attachment_id=attachment_id)
    if row is None:
        raise missing
    path = store.path(row.storage_key)
    if not path.is_file():
        raise missing
    return PortalFile(row.filename, row.content_type, row.sha256, path)


def _prefix(s: Session, corporation_id: int) -> str:
    return s.scalar(select(Corporation.case_prefix).where(Corporation.id == corporation_id)) or ""


def _last_reasons(s: Session, case_ids: list[int]) -> dict[int, str]:
    """The reason each case entered its current status (a cancellation shows as such)."""
    if not case_ids:
        return {}
    rows = s.execute(
        select(StatusHistory.case_id, StatusHistory.reason)
        .where(StatusHistory.case_id.in_(case_ids))
        .order_by(StatusHistory.case_id, StatusHistory.changed_at, StatusHistory.id)
    )
    return {case_id: reason for case_id, reason in rows}


def _assignee(s: Session, case_id: int) -> str:
    name = s.scalar(
        select(User.name)
        .join(CaseMember, CaseMember.user_id == User.id)
        .where(
            CaseMember.case_id == case_id,
            CaseMember.role == int(MemberRole.ASSIGNED_USER),
            CaseMember.end_at.is_(None),
        )
        .limit(1)
    )
    return name or ""


def _messages(s: Session, case_id: int) -> list[PortalMessage]:
    rows = s.scalars(
        select(CaseMessage)
        .where(CaseMessage.case_id == case_id, CaseMessage.visibility == "external")
        .order_by(CaseMessage.created_at, CaseMessage.id)
    ).all()
    files: dict[int, list[PortalAttachment]] = {}
    if rows:
        for a in s.scalars(
            select(Attachment)
            .where(Attachment.message_id.in_([m.id for m in rows]))
            .order_by(Attachment.id)
        ):
            if a.message_id is not None:
                files.setdefault(a.message_id, []).append(
                    PortalAttachment(a.id, a.filename, a.content_type, a.size)
                )
    users = _names(s, User, {m.author_user_id for m in rows if m.author_user_id})
    contacts = _names(s, Contact, {m.author_contact_id for m in rows if m.author_contact_id})
    out = []
    for m in rows:
        if m.direction == "inbound":
            author = contacts.get(m.author_contact_id or 0, "") or "You"
        else:
            author = "" if m.is_system else users.get(m.author_user_id or 0, "")
            author = author or "Support"
        out.append(
            PortalMessage(
                id=m.id,
                direction="inbound" if m.direction == "inbound" else "outbound",
                author=author,
                body_text=m.body_text,
                body_html=m.body_html,
                created_at=m.created_at,
                attachments=files.get(m.id, []),
            )
        )
    return out


def _names(s: Session, model: type[User] | type[Contact], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    if model is User:
        rows = s.execute(select(User.id, User.name).where(User.id.in_(ids)))
        return {uid: name for uid, name in rows}
    rows = s.execute(
        select(Contact.id, Contact.first_name, Contact.last_name).where(Contact.id.in_(ids))
    )
    return {row.id: f"{row.first_name} {row.last_name}".strip() for row in rows}
