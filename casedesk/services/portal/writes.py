"""What a customer contact does in the portal: open a case and reply to one, with files.

Each is one transaction through the same use-cases as every other face: the case is
opened by ``open_case_in`` (origin ``portal``, the contact as its contact, their
organization as its organization), and the customer's text becomes an inbound external
message by ``add_message_in`` (which reopens a closed or waiting case), with the files
attached to that message. File bytes go to the blob store before the transaction and
are removed again if it fails, so a case or reply exists with all its files or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import ContactCaller, Permission
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments.files import Upload, discard, store_uploads
from casedesk.services.cases.messages import add_message_in
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate, MessageCreate
from casedesk.services.kernel.access import load_case as load_for_principal
from casedesk.services.kernel.case_state import ensure_updatable
from casedesk.services.kernel.clock import utcnow
from casedesk.services.portal.access import load_case, portal_principal
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import Organization

MAX_TITLE = 500
MAX_TEXT = 20_000
#: Files one new case or reply may carry.
MAX_FILES = 5


def open_case(
    db: Database,
    store: BlobStore,
    caller: ContactCaller,
    title: str,
    description: str,
    files: Sequence[Upload],
    max_bytes: int,
    *,
    now: datetime | None = None,
) -> int:
    """Open a case for the contact; its id."""
    title = " ".join(title.split())
    description = description.strip()
    if not title:
        raise ValidationFailed("title: please give the case a title", field="title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(f"title: at most {MAX_TITLE} characters", field="title")
    if "\x00" in title:
        raise ValidationFailed("title: contains a NUL character", field="title")
    _check_text(description, "description", "please describe the problem")
    _check_count(files)
    now = now or utcnow()
    stored = store_uploads(store, files, max_bytes) if files else []
    try:
        with db.write() as s:
            principal = portal_principal(s, caller.corporation_id)
            opened = open_case_in(
                s,
                principal,
                CaseCreate(
                    title=title,
                    description=description,
                    origin="portal",
                    contact_id=caller.contact_id,
                    organization_id=caller.organization_id,
                    group_id=_organization_group(s, caller.organization_id),
                ),
                now,
                source={"portal_contact_id": caller.contact_id},
            )
            case = load_for_principal(s, principal, opened.id, Permission.ADD_NOTE)
            message = add_message_in(s, principal, case, _inbound(caller, description), now)
            if stored:
                attachments.attach_stored_in(s, principal, case.id, stored, message.id, now)
            return opened.id
    except BaseException:
        discard(store, stored)
        raise


def reply(
    db: Database,
    store: BlobStore,
    caller: ContactCaller,
    case_id: int,
    text: str,
    files: Sequence[Upload],
    max_bytes: int,
    *,
    now: datetime | None = None,
) -> int:
    """Add the contact's message (and files) to a case they may see; the message's id.
    A closed or waiting case goes back to its open status, as with a mailed reply."""
    text = text.strip()
    with db.read() as s:
        ensure_updatable(load_case(s, caller, case_id))
    _check_text(text, "text", "please write a message")
    _check_count(files)
    now = now or utcnow()
    stored = store_uploads(store, files, max_bytes) if files else []
    try:
        with db.write() as s:
            case = load_case(s, caller, case_id, for_update=True)
            principal = portal_principal(s, caller.corporation_id)
            message = add_message_in(s, principal, case, _inbound(caller, text), now)
            if stored:
                attachments.attach_stored_in(s, principal, case.id, stored, message.id, now)
            return message.id
    except BaseException:
        discard(store, stored)
        raise


def _inbound(caller: ContactCaller, text: str) -> MessageCreate:
    return MessageCreate(
        visibility="external", direction="inbound", body_text=text, contact_id=caller.contact_id
    )


def _check_text(text: str, field: str, missing: str) -> None:
    if not text:
        raise ValidationFailed(f"{field}: {missing}", field=field)
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"{field}: at most {MAX_TEXT} characters", field=field)
    if "\x00" in text:
        raise ValidationFailed(f"{field}: contains a NUL character", field=field)


def _check_count(files: Sequence[Upload]) -> None:
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"files: at most {MAX_FILES} files at once", field="files")


def _organization_group(s: Session, organization_id: int | None) -> int | None:
    if organization_id is None:
        return None
    return s.scalar(select(Organization.group_id).where(Organization.id == organization_id))
