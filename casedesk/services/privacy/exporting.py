"""Everything casedesk holds about a contact, as one ZIP archive streamed out.

``contact.json`` (the record, addresses, phone numbers), ``cases/<number>.json`` per
case (the case, the messages the contact wrote and the replies sent to them, and the
files' descriptions), ``audit.json`` (the audit entries about the contact and about the
cases only they are part of), and ``files/<case>/<id>-<name>`` with the files' bytes.
Internal notes and other contacts' messages are left out: they are not the contact's
data and may be someone else's. The archive is written as it is sent; files are read
from the blob store in chunks and never held whole.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.memberships import organizations_of
from casedesk.services.privacy.subject import (
    Subject,
    corporation_of_contact,
    load_subject,
    require_admin,
    sole_cases,
)
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import Attachment, AuditEntry, Case, CaseMessage, Contact, Survey

CHUNK = 64 * 1024
_CASE_FIELDS = ("id", "number", "title", "description", "status", "origin", "created_at")
_CASE_TIMES = ("updated_at", "first_response_at", "closed_at")


@dataclass
class _Archive:
    documents: dict[str, Any] = field(default_factory=dict)
    #: (path in the archive, blob key)
    files: list[tuple[str, str]] = field(default_factory=list)


class _Sink:
    """A write-only stream the ZIP writer fills and the response drains."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def export_contact(
    db: Database, principal: Principal, contact_id: int, blobs: BlobStore
) -> Iterator[bytes]:
    """Check the caller and gather the data now (so refusals come before any byte),
    then return the archive's bytes as an iterator."""
    require_admin(principal)
    return export(db, principal.corporation_id, contact_id, blobs, principal)


def export(
    db: Database,
    corporation_id: int | None,
    contact_id: int,
    blobs: BlobStore,
    principal: Principal | None = None,
) -> Iterator[bytes]:
    """The archive of the contact, as ``principal`` or, without one, as the operator at
    the command line (any corporation). Audited."""
    with db.write() as s:
        if corporation_id is None:
            corporation_id = corporation_of_contact(s, contact_id)
        subject = load_subject(s, corporation_id, contact_id)
        archive = _gather(s, subject)
        audit.record(
            s,
            principal,
            corporation_id,
            "contact.export",
            "contact",
            contact_id,
            actor_label="" if principal else "operator",
            changes={"request": {"from": None, "to": "export"}},
        )
    return _stream(archive, blobs)


def _gather(s: Session, subject: Subject) -> _Archive:
    cid = subject.contact_id
    contact = s.get_one(Contact, cid)
    archive = _Archive()
    archive.documents["contact.json"] = {
        "id": cid,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "title": contact.title,
        "location": contact.location,
        "department": contact.department,
        "organization_id": contact.organization_id,
        "organization_ids": organizations_of(s, cid),
        "created_at": audit.jsonable(contact.created_at),
        "emails": list(subject.emails),
        "phones": list(subject.phones),
        "has_portal_password": contact.password_hash is not None,
    }
    sole = set(sole_cases(s, cid, subject.case_ids))
    for case in s.scalars(select(Case).where(Case.id.in_(subject.case_ids)).order_by(Case.id)):
        messages = s.scalars(
            select(CaseMessage)
            .where(
                CaseMessage.case_id == case.id,
                or_(
                    CaseMessage.author_contact_id == cid,
                    (CaseMessage.author_contact_id.is_(None))
                    & (CaseMessage.visibility == "external"),
                ),
            )
            .order_by(CaseMessage.id)
        ).all()
        shown = {m.id for m in messages}
        files = [
            a
            for a in s.scalars(select(Attachment).where(Attachment.case_id == case.id))
            if a.message_id in shown or (a.message_id is None and case.id in sole)
        ]
        doc = {name: audit.jsonable(getattr(case, name)) for name in _CASE_FIELDS + _CASE_TIMES}
        doc["messages"] = [_message(m) for m in messages]
        doc["files"] = []
        for a in files:
            path = f"files/{case.number}/{a.id}-{a.filename.replace('/', '_')}"
            doc["files"].append(
                {
                    "id": a.id,
                    "message_id": a.message_id,
                    "name": a.filename,
                    "path": path,
                    "content_type": a.content_type,
                    "size": a.size,
                    "sha256": a.sha256,
                }
            )
            archive.files.append((path, a.storage_key))
        archive.documents[f"cases/{case.number}.json"] = doc
    archive.documents["surveys.json"] = [
        {
            "case_id": v.case_id,
            "sent_at": audit.jsonable(v.sent_at),
            "rating": v.rating,
            "comment": v.comment,
            "answered_at": audit.jsonable(v.answered_at),
        }
        for v in s.scalars(select(Survey).where(Survey.contact_id == cid).order_by(Survey.id))
    ]
    entries = s.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.corporation_id == subject.corporation_id,
            or_(
                (AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == cid),
                AuditEntry.case_id.in_(sorted(sole)),
            ),
        )
        .order_by(AuditEntry.id)
    )
    archive.documents["audit.json"] = [
        {
            "id": e.id,
            "action": e.action,
            "entity_type": e.entity_type,
            "entity_id": e.entity_id,
            "case_id": e.case_id,
            "changes": e.changes,
            "at": audit.jsonable(e.at),
        }
        for e in entries
    ]
    return archive


def _message(m: CaseMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "direction": m.direction,
        "visibility": m.visibility,
        "from_contact": m.author_contact_id is not None,
        "body_text": m.body_text,
        "created_at": audit.jsonable(m.created_at),
    }


def _stream(archive: _Archive, blobs: BlobStore) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:  # type: ignore[call-overload]
        for name, document in archive.documents.items():
            z.writestr(name, json.dumps(document, indent=2, ensure_ascii=False, default=str))
            yield sink.take()
        for path, key in archive.files:
            with blobs.open(key) as source, z.open(path, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if sink.parts:
                        yield sink.take()
            yield sink.take()
    yield sink.take()
