"""Managing the mailboxes the email channel polls: list, add, change, remove.

Mailboxes hold credentials and decide where customers' mail goes, so reading them
needs ``manage_reference`` too, not only writing. The password is write-only: given in
the URL or as ``password``, stored with the URL, never returned (``has_password``
says whether there is one); a change that does not name one keeps the stored one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.mailbox_url import (
    ImapLocation,
    check_folder,
    parse_imap_url,
    without_password,
)
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference.common import (
    Id,
    In,
    Name200,
    Out,
    Text200,
    created,
    deleted,
    ensure_unique,
    flush,
    get_row,
    present,
    require_manager,
)
from casedesk.store.db import Database
from casedesk.store.models import Group, InboundMail, Mailbox

ImapUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=800)]
Password = Annotated[str, Field(max_length=200)]
Action = Literal["flag", "move"]
_FIELDS = (
    "name",
    "imap_url",
    "folder",
    "processed_action",
    "move_to",
    "default_group_id",
    "is_active",
    "has_password",
)
#: The stored URL, password included, must fit its column.
_MAX_URL = 1000


class MailboxOut(Out):
    id: int
    name: str
    #: Without the password.
    imap_url: str
    folder: str
    processed_action: Action
    move_to: str | None
    default_group_id: int | None
    is_active: bool
    has_password: bool
    created_at: datetime


class MailboxCreate(In):
    name: Name200
    imap_url: ImapUrl = Field(
        description="imaps://user@host[:port]/Folder, or imap://…?starttls; plain imap:// "
        "only for a server on this machine"
    )
    password: Password | None = Field(None, description="Write-only; or give it in the URL")
    folder: Text200 | None = Field(None, description="Overrides the URL's folder")
    processed_action: Action = "flag"
    move_to: Text200 | None = None
    default_group_id: Id | None = None
    is_active: bool = True


class MailboxPatch(In):
    name: Name200 | None = None
    imap_url: ImapUrl | None = None
    password: Password | None = Field(None, description="Write-only; null or empty removes it")
    folder: Text200 | None = None
    processed_action: Action | None = None
    move_to: Text200 | None = None
    default_group_id: Id | None = None
    is_active: bool | None = None


def list_mailboxes(db: Database, principal: Principal) -> list[MailboxOut]:
    require_manager(principal)
    with db.read() as s:
        rows = s.scalars(
            select(Mailbox)
            .where(Mailbox.corporation_id == principal.corporation_id)
            .order_by(Mailbox.name, Mailbox.id)
        )
        return [_out(r) for r in rows]


def get_mailbox(db: Database, principal: Principal, mailbox_id: int) -> MailboxOut:
    require_manager(principal)
    with db.read() as s:
        return _out(get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox"))


def create_mailbox(db: Database, principal: Principal, data: MailboxCreate) -> MailboxOut:
    require_manager(principal)
    corp = principal.corporation_id
    location = parse_imap_url(data.imap_url)
    if data.password and location.password:
        raise ValidationFailed("give the password in the URL or as password, once", "password")
    location = replace(location, password=data.password or location.password)
    if data.folder:
        location = replace(location, folder=check_folder(data.folder, "folder"))
    values = {
        "name": data.name,
        "location": replace(location, folder=location.folder or "INBOX"),
        "processed_action": data.processed_action,
        "move_to": _move_to(data.move_to),
        "default_group_id": data.default_group_id,
        "is_active": data.is_active,
    }
    with db.write() as s:
        _check(s, corp, values)
        ensure_unique(s, Mailbox, corp, "name", data.name, "mailbox")
        row = Mailbox(corporation_id=corp)
        _apply(row, values)
        s.add(row)
        flush(s, f"a mailbox named {data.name!r} exists already")
        audit.record(
            s, principal, corp, "mailbox.created", "mailbox", row.id, changes=created(_snap(row))
        )
        return _out(row)


def update_mailbox(
    db: Database, principal: Principal, mailbox_id: int, patch: MailboxPatch
) -> MailboxOut:
    require_manager(principal)
    sent = present(patch, ("name", "imap_url", "folder", "processed_action", "is_active"))
    with db.write() as s:
        row = get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox")
        before = _snap(row)
        values = _current(row) | {k: v for k, v in sent.items() if k in _PLAIN}
        values["location"] = _patched_location(row, sent)
        if "move_to" in sent:
            values["move_to"] = _move_to(sent["move_to"])
        _check(s, row.corporation_id, values)
        ensure_unique(
            s, Mailbox, row.corporation_id, "name", values["name"], "mailbox", exclude_id=row.id
        )
        _apply(row, values)
        flush(s, f"a mailbox named {row.name!r} exists already")
        after = _snap(row)
        if after != before:
            audit.record(
                s,
                principal,
                row.corporation_id,
                "mailbox.updated",
                "mailbox",
                row.id,
                changes=audit.diff(before, after),
            )
        return _out(row)


def delete_mailbox(db: Database, principal: Principal, mailbox_id: int) -> None:
    """The mail it brought in stays, no longer tied to a mailbox."""
    require_manager(principal)
    with db.write() as s:
        row = get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox")
        before = _snap(row)
        s.execute(
            update(InboundMail).where(InboundMail.mailbox_id == row.id).values(mailbox_id=None)
        )
        s.delete(row)
        flush(s, f"mailbox {mailbox_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "mailbox.deleted",
            "mailbox",
            mailbox_id,
            changes=deleted(before),
        )


_PLAIN = ("name", "processed_action", "default_group_id", "is_active")


def _patched_location(row: Mailbox, sent: dict[str, Any]) -> ImapLocation:
    """The stored URL with what the patch changes: a new URL keeps the stored password
    and folder unless it names its own; ``password`` and ``folder`` win over both."""
    location = parse_imap_url(row.imap_url)
    if "imap_url" in sent:
        given = parse_imap_url(sent["imap_url"])
        location = replace(
            given,
            password=given.password or location.password,
            folder=given.folder or location.folder,
        )
    if "password" in sent:
        location = replace(location, password=sent["password"] or "")
    if "folder" in sent:
        location = replace(location, folder=check_folder(sent["folder"], "folder") or "INBOX")
    return location


def _move_to(value: str | None) -> str | None:
    if value is None:
        return None
    return check_folder(value, "move_to") or None


def _check(s: Session, corporation_id: int, values: dict[str, Any]) -> None:
    location: ImapLocation = values["location"]
    if values["processed_action"] == "move":
        if not values["move_to"]:
            raise ValidationFailed("moving processed mail needs a folder", field="move_to")
        if values["move_to"] == location.folder:
            raise ValidationFailed("move_to is the folder the mail is read from", "move_to")
    if len(location.url(with_password=True)) > _MAX_URL:
        raise ValidationFailed("the IMAP URL is too long", field="imap_url")
    if values["default_group_id"] is not None:
        require_ref(s, Group, values["default_group_id"], corporation_id, "default_group_id")


def _apply(row: Mailbox, values: dict[str, Any]) -> None:
    location: ImapLocation = values["location"]
    row.name = values["name"]
    row.imap_url = location.url(with_password=True)
    row.folder = location.folder
    row.processed_action = values["processed_action"]
    row.move_to = values["move_to"] if values["processed_action"] == "move" else None
    row.default_group_id = values["default_group_id"]
    row.is_active = values["is_active"]


def _current(row: Mailbox) -> dict[str, Any]:
    return {
        "name": row.name,
        "processed_action": row.processed_action,
        "move_to": row.move_to,
        "default_group_id": row.default_group_id,
        "is_active": row.is_active,
    }


def _out(row: Mailbox) -> MailboxOut:
    return MailboxOut.model_validate(_snap(row) | {"id": row.id, "created_at": row.created_at})


def _snap(row: Mailbox) -> dict[str, Any]:
    """What a mailbox shows (and its audit records keep): everything but the password."""
    url, has_password = without_password(row.imap_url)
    return {
        "name": row.name,
        "imap_url": url,
        "folder": row.folder or "INBOX",
        "processed_action": row.processed_action,
        "move_to": row.move_to,
        "default_group_id": row.default_group_id,
        "is_active": row.is_active,
        "has_password": has_password,
    }
