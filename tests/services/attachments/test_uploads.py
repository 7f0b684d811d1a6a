"""Uploads that wait for their case: stored like attachments, owned by their uploader,
attached in the transaction of the create or note that names them, refused once
expired and then removed by the job."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.domain.errors import Forbidden, PayloadTooLarge, ValidationFailed
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments import uploads
from casedesk.services.attachments.files import Upload
from casedesk.services.attachments.uploads import UPLOAD_TTL, UploadOut, UploadRef
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CaseCreate, MessageCreate
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Attachment, AuditEntry, Case, PendingUpload
from tests.factories import Actor, World, make_actor, make_case, make_world

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
LIMIT = 1000
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "attachments")


def upload(
    db: Database, store: LocalBlobStore, actor: Actor, data: bytes = PNG, name: str = "photo"
) -> UploadOut:
    (out,) = uploads.upload_files(
        db, store, actor.principal, [Upload(name, io.BytesIO(data), "image/jpeg")], LIMIT, now=T0
    )
    return out


def pending(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(PendingUpload)) or 0


def test_an_upload_is_stored_like_an_attachment(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    out = upload(db, store, world.agent_a, name="../etc/\u202eexe.png")
    assert len(out.id) == 36 and out.filename == "exe.png"
    assert out.content_type == "image/png" and out.size == len(PNG)
    assert out.sha256 == hashlib.sha256(PNG).hexdigest()
    assert out.expires_at == T0 + UPLOAD_TTL
    with db.read() as s:
        row = s.scalars(select(PendingUpload)).one()
        assert store.path(row.storage_key).read_bytes() == PNG
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "upload.added")).one()
        assert entry.changes["upload"]["to"]["declared_content_type"] == "image/jpeg"


def test_too_large_or_unpermitted_keeps_nothing(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    with pytest.raises(PayloadTooLarge):
        upload(db, store, world.agent_a, data=b"x" * (LIMIT + 1))
    reader = make_actor(db, "r@acme.test", "agent", ["A"], world.corporation_id, ["view_case"])
    with pytest.raises(Forbidden):
        upload(db, store, reader)
    assert pending(db) == 0
    assert not store.root.exists() or not any(p.is_file() for p in store.root.rglob("*"))


def test_a_create_attaches_its_uploads_with_the_names_given(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    a, b = upload(db, store, world.agent_a), upload(db, store, world.agent_a, b"log text")
    p = world.agent_a.principal
    case = cases.open_case(
        db,
        p,
        CaseCreate(title="Broken device", group_id=world.group_a),
        uploads=[UploadRef(a.id, "error-log"), UploadRef(b.id)],
        now=T0 + timedelta(hours=1),
    )
    got = attachments.list_attachments(db, p, case.id)
    assert [(x.filename, x.content_type, x.sha256, x.message_id) for x in got] == [
        ("error-log", "image/png", a.sha256, None),
        ("photo", "text/plain", b.sha256, None),
    ]
    assert attachments.open_attachment(db, store, p, case.id, got[0].id).path.read_bytes() == PNG
    assert pending(db) == 0
    with db.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "attachment.added"))
        assert [e.changes["attachment"]["to"]["upload_id"] for e in audits] == [a.id, b.id]


def test_a_note_attaches_its_uploads_to_itself(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    up = upload(db, store, world.agent_a)
    p = world.agent_a.principal
    msg = messages.add_message(
        db, p, case.id, MessageCreate(visibility="external", body_text="see photo"),
        uploads=[UploadRef(up.id)], now=T0,
    )  # fmt: skip
    (att,) = attachments.list_attachments(db, p, case.id)
    assert att.message_id == msg.id and att.sha256 == up.sha256


def refused(
    db: Database, world: World, refs: list[UploadRef], actor: Actor | None = None
) -> ValidationFailed:
    """The error of a create naming ``refs``; nothing of the create is kept."""
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Case))
    with pytest.raises(ValidationFailed) as info:
        cases.open_case(
            db,
            (actor or world.agent_a).principal,
            CaseCreate(title="x", group_id=world.group_a),
            notes=[MessageCreate(visibility="internal", body_text="intake")],
            uploads=refs,
            now=T0 + timedelta(hours=1),
        )
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == before
    return info.value


def test_uploads_of_others_unknown_twice_or_too_many_are_refused(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    mine, bobs = upload(db, store, world.agent_a), upload(db, store, world.agent_b)
    assert refused(db, world, [UploadRef(mine.id), UploadRef(bobs.id)]).field == "uploads.1.id"
    assert refused(db, world, [UploadRef("no-such-upload")]).field == "uploads.0.id"
    assert refused(db, world, [UploadRef(mine.id), UploadRef(mine.id)]).field == "uploads.1.id"
    assert refused(db, world, [UploadRef(mine.id)] * 6).field == "uploads"
    assert pending(db) == 2  # a refused create leaves every upload waiting


def test_an_upload_of_another_corporation_is_unknown(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    theirs = upload(db, store, make_world_in_other_corporation(db))
    assert refused(db, world, [UploadRef(theirs.id)]).field == "uploads.0.id"


def make_world_in_other_corporation(db: Database) -> Actor:
    with db.write() as s:
        corp_id = create_corporation(s, "Other", "OTH-").id
    return make_actor(db, "eve@other.test", "admin", [], corp_id)


def test_an_attached_upload_cannot_be_attached_again(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    up = upload(db, store, world.agent_a)
    cases.open_case(
        db, world.agent_a.principal, CaseCreate(title="first", group_id=world.group_a),
        uploads=[UploadRef(up.id)], now=T0,
    )  # fmt: skip
    assert refused(db, world, [UploadRef(up.id)]).field == "uploads.0.id"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1


def test_expired_uploads_are_refused_then_removed_by_the_job(
    db: Database, store: LocalBlobStore, world: World
) -> None:
    old, fresh = upload(db, store, world.agent_a), upload(db, store, world.agent_a)
    with db.write() as s:
        row = s.scalars(select(PendingUpload).where(PendingUpload.token == fresh.id)).one()
        row.created_at = T0 + timedelta(hours=2)
        old_key = s.scalars(
            select(PendingUpload.storage_key).where(PendingUpload.token == old.id)
        ).one()
    later = T0 + UPLOAD_TTL + timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as info:
        cases.open_case(
            db, world.agent_a.principal, CaseCreate(title="late", group_id=world.group_a),
            uploads=[UploadRef(old.id)], now=later,
        )  # fmt: skip
    assert info.value.field == "uploads.0.id" and "expired" in info.value.detail
    assert uploads.expire_uploads(db, store, later) == 1
    assert uploads.expire_uploads(db, store, later) == 0
    assert not store.path(old_key).exists()
    with db.read() as s:
        assert s.scalars(select(PendingUpload.token)).all() == [fresh.id]
