"""Files uploaded before the case they are for.

Some clients upload first and name the file later: the Case Management API answers an
upload with an id, and its create and modify calls list up to five such ids. An upload
goes through the same path as an attachment (streamed into the blob store, held to the
size limit, its SHA-256 computed and its type sniffed from the bytes) but belongs to no
case yet: it is the uploader's, within their corporation, and only they can attach it.

Attaching turns the pending row into an attachment row in the transaction of the case
create or the note that names it, so either the case (or note) and its attachments
exist, or neither does and the upload stays pending. An upload that nobody attaches
within ``UPLOAD_TTL`` is refused from then on and removed, bytes and row, by the
``upload-expiry`` job.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments import files
from casedesk.services.attachments.attaching import AttachmentOut, StoredFile
from casedesk.services.attachments.files import Upload, clean_filename
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case, PendingUpload

#: How long an upload waits to be attached before it is refused and removed.
UPLOAD_TTL = timedelta(hours=24)
#: Uploads one create or note may attach (the Case Management API's limit).
MAX_UPLOADS_PER_WRITE = 5
#: Expired uploads removed per transaction by the job.
_EXPIRY_BATCH = 200


class UploadOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class UploadRef:
    """An upload named by a create or a note, optionally with the display name the
    attachment should have instead of the uploaded file's."""

    id: str
    name: str | None = None


def upload_files(
    db: Database,
    store: BlobStore,
    principal: Principal,
    uploads: Sequence[Upload],
    max_bytes: int,
    *,
    now: datetime | None = None,
) -> list[UploadOut]:
    """Store files for a case still to be named, all or none; each gets an id."""
    principal.require(Permission.ADD_ATTACHMENTS)
    if not uploads:
        raise ValidationFailed("at least one file is required", field="file")
    now = now or utcnow()
    stored = files.store_uploads(store, uploads, max_bytes)
    try:
        with db.write() as s:
            rows = [
                PendingUpload(
                    token=str(uuid.uuid4()),
                    corporation_id=principal.corporation_id,
                    uploaded_by_id=principal.user_id,
                    filename=received.filename,
                    storage_key=key,
                    content_type=received.content_type,
                    size=received.size,
                    sha256=received.sha256,
                    created_at=now,
                )
                for received, key in stored
            ]
            s.add_all(rows)
            s.flush()
            for row, (received, _) in zip(rows, stored, strict=True):
                audit.record(
                    s,
                    principal,
                    principal.corporation_id,
                    "upload.added",
                    "upload",
                    row.id,
                    changes={
                        "upload": {
                            "from": None,
                            "to": {
                                "id": row.token,
                                "filename": row.filename,
                                "content_type": row.content_type,
                                "declared_content_type": received.upload.declared_content_type,
                                "size": row.size,
                                "sha256": row.sha256,
                            },
                        }
                    },
                    at=now,
                )
            return [_out(r) for r in rows]
    except BaseException:
        files.discard(store, stored)
        raise


def attach_uploads_in(
    s: Session,
    principal: Principal,
    case: Case,
    refs: Sequence[UploadRef],
    now: datetime,
    *,
    message_id: int | None = None,
) -> list[AttachmentOut]:
    """Make the caller's pending uploads attachments of ``case`` (locked by the caller's
    transaction), or refuse all of them: an id that is unknown, another user's, of
    another corporation, already attached, expired or named twice is a 400 naming
    ``uploads.N.id``."""
    if not refs:
        return []
    if len(refs) > MAX_UPLOADS_PER_WRITE:
        raise ValidationFailed(
            f"at most {MAX_UPLOADS_PER_WRITE} uploads can be attached at once", field="uploads"
        )
    rows: list[PendingUpload] = []
    for i, ref in enumerate(refs):
        row = _pending(s, ref.id)
        if (
            row is None
            or row.corporation_id != principal.corporation_id
            or row.uploaded_by_id != principal.user_id
            or row in rows
        ):
            raise ValidationFailed(
                f"{ref.id!r} is not an upload of yours waiting to be attached",
                field=f"uploads.{i}.id",
            )
        if row.created_at <= now - UPLOAD_TTL:
            raise ValidationFailed(
                f"upload {ref.id} has expired; upload the file again", field=f"uploads.{i}.id"
            )
        rows.append(row)
    files = [
        StoredFile(
            filename=clean_filename(ref.name) if ref.name else row.filename,
            storage_key=row.storage_key,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            upload_id=row.token,
        )
        for ref, row in zip(refs, rows, strict=True)
    ]
    for row in rows:
        s.delete(row)
    # The pending rows go before the attachment rows take over their storage keys.
    s.flush()
    return attachments.add_rows_in(s, principal, case, files, message_id, now)


def expire_uploads(db: Database, store: BlobStore, now: datetime) -> int:
    """Remove uploads that waited longer than ``UPLOAD_TTL``: rows first, in batches,
    then their blobs once the rows are gone (a blob left behind by a crash in between
    is unreferenced, never a row without its bytes)."""
    removed = 0
    while True:
        with db.write() as s:
            query = (
                select(PendingUpload.id, PendingUpload.storage_key)
                .where(PendingUpload.created_at <= now - UPLOAD_TTL)
                .order_by(PendingUpload.id)
                .limit(_EXPIRY_BATCH)
                .with_for_update(skip_locked=True)
            )
            batch = s.execute(query).all()
            if batch:
                s.execute(delete(PendingUpload).where(PendingUpload.id.in_([r.id for r in batch])))
        for row in batch:
            store.delete(row.storage_key)
        removed += len(batch)
        if len(batch) < _EXPIRY_BATCH:
            return removed


def _pending(s: Session, token: str) -> PendingUpload | None:
    if len(token) > 36:
        return None
    return s.scalars(
        select(PendingUpload).where(PendingUpload.token == token).with_for_update()
    ).one_or_none()


def _out(row: PendingUpload) -> UploadOut:
    return UploadOut(
        id=row.token,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at,
        expires_at=row.created_at + UPLOAD_TTL,
    )
