"""Attachments on a case: upload, list, metadata and download.

An upload's bytes are stored first (``files``: streamed, hashed, sniffed, refused the
moment they pass the limit), then the rows, audit records and outbox events in one
transaction; if that transaction fails the blobs are deleted again, so an upload either
exists completely or leaves nothing behind. The declared content type is kept in the
audit record only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments.files import Readable, Stored, Upload, discard, store_uploads
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import ensure_updatable, touch
from casedesk.services.kernel.clock import utcnow
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import Attachment, Case, CaseMessage

log = logging.getLogger(__name__)


class AttachmentOut(BaseModel):
    id: int
    case_id: int
    message_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    """An attachment's metadata and where its bytes are, for sending them."""

    meta: AttachmentOut
    path: Path


def add_attachment(
    db: Database,
    store: BlobStore,
    principal: Principal,
    case_id: int,
    filename: str | None,
    stream: Readable,
    declared_content_type: str | None,
    max_bytes: int,
    message_id: int | None = None,
    *,
    now: datetime | None = None,
) -> AttachmentOut:
    upload = Upload(filename, stream, declared_content_type)
    (out,) = add_attachments(
        db, store, principal, case_id, [upload], max_bytes, message_id, now=now
    )
    return out


def add_attachments(
    db: Database,
    store: BlobStore,
    principal: Principal,
    case_id: int,
    uploads: Sequence[Upload],
    max_bytes: int,
    message_id: int | None = None,
    *,
    now: datetime | None = None,
) -> list[AttachmentOut]:
    """Attach every upload to the case, all or none.

    The case is checked before any byte is stored (a caller who may not attach learns it
    without uploading to disk) and again, locked, in the transaction that adds the rows.
    """
    if not uploads:
        raise ValidationFailed("at least one file is required", field="file")
    now = now or utcnow()
    with db.read() as s:
        ensure_updatable(load_case(s, principal, case_id, Permission.ADD_ATTACHMENTS))
    stored = store_uploads(store, uploads, max_bytes)
    try:
        with db.write() as s:
            return attach_stored_in(s, principal, case_id, stored, message_id, now)
    except BaseException:
        discard(store, stored)
        raise


def list_attachments(db: Database, principal: Principal, case_id: int) -> list[AttachmentOut]:
    with db.read() as s:
        load_case(s, principal, case_id, Permission.VIEW_ATTACHMENTS)
        rows = s.scalars(
            select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        )
        return [_out(a) for a in rows]


def get_attachment(
    db: Database, principal: Principal, case_id: int, attachment_id: int
) -> AttachmentOut:
    with db.read() as s:
        return _out(_load(s, principal, case_id, attachment_id))


def open_attachment(
    db: Database, store: BlobStore, principal: Principal, case_id: int, attachment_id: int
) -> AttachmentContent:
    with db.read() as s:
        row = _load(s, principal, case_id, attachment_id)
    path = store.path(row.storage_key)
    if not path.is_file():
        log.error("blob %s of attachment %s is missing", row.storage_key, row.id)
        raise NotFound(
            f"the content of attachment {attachment_id} is not available",
            attachment_id=attachment_id,
        )
    return AttachmentContent(_out(row), path)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file whose bytes are in the blob store, described for its attachment row."""

    filename: str
    storage_key: str
    content_type: str
    size: int
    sha256: str
    declared_content_type: str | None = None
    #: The pending upload it was, when it was uploaded before the case.
    upload_id: str | None = None


def attach_stored_in(
    s: Session,
    principal: Principal,
    case_id: int,
    stored: Stored,
    message_id: int | None,
    now: datetime,
) -> list[AttachmentOut]:
    """The rows, audit records and events of stored uploads, in the caller's transaction."""
    case = load_case(s, principal, case_id, Permission.ADD_ATTACHMENTS, for_update=True)
    files = [
        StoredFile(
            filename=received.filename,
            storage_key=key,
            content_type=received.content_type,
            size=received.size,
            sha256=received.sha256,
            declared_content_type=received.upload.declared_content_type,
        )
        for received, key in stored
    ]
    return add_rows_in(s, principal, case, files, message_id, now)


def add_rows_in(
    s: Session,
    principal: Principal,
    case: Case,
    files: Sequence[StoredFile],
    message_id: int | None,
    now: datetime,
) -> list[AttachmentOut]:
    """Attachment rows for files already in the blob store, on a case the caller's
    transaction has loaded and locked, with their audit records and events."""
    principal.require(Permission.ADD_ATTACHMENTS)
    ensure_updatable(case)
    if (
        message_id is not None
        and s.scalar(
            select(CaseMessage.id).where(
                CaseMessage.id == message_id, CaseMessage.case_id == case.id
            )
        )
        is None
    ):
        raise ValidationFailed(
            f"message_id {message_id} does not exist on case {case.id}", field="message_id"
        )
    rows = [
        Attachment(
            case_id=case.id,
            message_id=message_id,
            filename=f.filename,
            storage_key=f.storage_key,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by_id=principal.user_id,
            created_at=now,
        )
        for f in files
    ]
    s.add_all(rows)
    s.flush()
    for row, f in zip(rows, files, strict=True):
        added: dict[str, object] = {
            "filename": row.filename,
            "content_type": row.content_type,
            "declared_content_type": f.declared_content_type,
            "size": row.size,
            "sha256": row.sha256,
            "message_id": message_id,
        }
        if f.upload_id is not None:
            added["upload_id"] = f.upload_id
        audit.record(
            s,
            principal,
            case.corporation_id,
            "attachment.added",
            "attachment",
            row.id,
            case_id=case.id,
            changes={"attachment": {"from": None, "to": added}},
            at=now,
        )
        audit.emit(
            s,
            case.corporation_id,
            "attachment.added",
            {
                "case_id": case.id,
                "attachment_id": row.id,
                "message_id": message_id,
                "filename": row.filename,
                "content_type": row.content_type,
                "size": row.size,
            },
        )
    touch(case, now)
    s.flush()
    return [_out(row) for row in rows]


def _load(s: Session, principal: Principal, case_id: int, attachment_id: int) -> Attachment:
    """The attachment if it belongs to a case the caller may see attachments of."""
    load_case(s, principal, case_id, Permission.VIEW_ATTACHMENTS)
    row = s.scalars(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"attachment {attachment_id} not found", attachment_id=attachment_id)
    return row


def _out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.id,
        case_id=a.case_id,
        message_id=a.message_id,
        filename=a.filename,
        content_type=a.content_type,
        size=a.size,
        sha256=a.sha256,
        uploaded_by_id=a.uploaded_by_id,
        created_at=a.created_at,
    )
