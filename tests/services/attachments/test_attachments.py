"""Attachments use-cases against a real database and a real directory of blobs."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.domain.errors import (
    CaseMerged,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from casedesk.domain.permissions import Permission
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments.attaching import add_attachment, add_attachments
from casedesk.services.attachments.files import (
    MAX_FILENAME_BYTES,
    Upload,
    clean_filename,
    sniff_content_type,
)
from casedesk.services.cases import merging, messages
from casedesk.services.cases.schemas import CaseOut, MessageCreate
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Attachment, AuditEntry, Case, OutboxEvent
from tests.factories import Actor, World, make_actor, make_case, make_world

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
LIMIT = 1000


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "attachments")


@pytest.fixture
def case(db: Database, world: World) -> CaseOut:
    return make_case(db, world.agent_a, group_id=world.group_a)


def blob_files(store: LocalBlobStore) -> list[Path]:
    """Every file under the store's root, temporary ones included."""
    return [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else []


def count(db: Database, model: type[Attachment] | type[AuditEntry] | type[OutboxEvent]) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def added_audit_entries(db: Database) -> int:
    with db.read() as s:
        stmt = select(func.count()).where(AuditEntry.action == "attachment.added")
        return int(s.scalar(stmt) or 0)


def upload(
    db: Database,
    store: LocalBlobStore,
    actor: Actor,
    case_id: int,
    data: bytes,
    filename: str | None = "file.bin",
    declared: str | None = "application/octet-stream",
    *,
    max_bytes: int = LIMIT,
    message_id: int | None = None,
) -> attachments.AttachmentOut:
    return add_attachment(
        db,
        store,
        actor.principal,
        case_id,
        filename,
        io.BytesIO(data),
        declared,
        max_bytes,
        message_id,
    )


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.exe", "evil.exe"),
        ("a\r\nSet-Cookie: x=1.txt", "a Set-Cookie: x=1.txt"),
        ("evil/\r\nname.txt", "name.txt"),
        ("nul\x00byte.txt", "nul byte.txt"),
        ("tab\tand  spaces .txt", "tab and spaces .txt"),
        ("pic\u202egnp.exe", "picgnp.exe"),
        ("Käse \u2013 résumé 履歴書.docx", "Käse \u2013 résumé 履歴書.docx"),
        ("Cafe\u0301.txt", "Café.txt"),
        ("..", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("/", "attachment"),
        ("...hidden", "hidden"),
        ("trailing. . ", "trailing"),
        ("lone\ud800surrogate", "lonesurrogate"),
    ],
)
def test_clean_filename(raw: str | None, expected: str) -> None:
    assert clean_filename(raw) == expected


def test_clean_filename_bounds_length_in_bytes_and_keeps_extension() -> None:
    long_ascii = clean_filename("a" * 1000 + ".pdf")
    assert long_ascii.endswith(".pdf")
    assert len(long_ascii.encode()) <= MAX_FILENAME_BYTES
    long_cjk = clean_filename("履" * 300 + ".txt")
    assert long_cjk.endswith(".txt")
    assert len(long_cjk.encode()) <= MAX_FILENAME_BYTES
    assert set(long_cjk.removesuffix(".txt")) == {"履"}  # cut between characters
    no_ext = clean_filename("b" * 1000)
    assert no_ext == "b" * MAX_FILENAME_BYTES


@pytest.mark.parametrize(
    ("head", "is_text", "expected"),
    [
        (PNG, False, "image/png"),
        (b"%PDF-1.7\n", True, "application/pdf"),
        (b"GIF89a" + b"\x00" * 10, False, "image/gif"),
        (b"<html><script>alert(1)</script></html>", True, "text/plain"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", True, "text/plain"),
        ("héllo wörld".encode(), True, "text/plain"),
        (b"\xff\xfe\x00garbage", False, "application/octet-stream"),
        (b"", True, "application/octet-stream"),
    ],
)
def test_sniff_content_type(head: bytes, is_text: bool, expected: str) -> None:
    assert sniff_content_type(head, is_utf8_text=is_text) == expected


# --------------------------------------------------------------------------- blob store


def test_blob_store_round_trip(store: LocalBlobStore) -> None:
    key = store.put([b"hello ", b"world"])
    assert len(key) == 33 and key[2] == "/"
    assert store.path(key) == store.root / key
    with store.open(key) as f:
        assert f.read() == b"hello world"
    assert store.put([b"hello world"]) != key
    store.delete(key)
    store.delete(key)  # deleting twice is fine
    with pytest.raises(KeyError):
        store.open(key)


def test_blob_store_leaves_nothing_when_the_source_fails(store: LocalBlobStore) -> None:
    def failing() -> Iterator[bytes]:
        yield b"partial"
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        store.put(failing())
    assert blob_files(store) == []


@pytest.mark.parametrize("key", ["../x", "ab/../../etc/passwd", "/etc/passwd", "ab/cd", ""])
def test_blob_store_refuses_keys_it_did_not_make(store: LocalBlobStore, key: str) -> None:
    with pytest.raises(KeyError):
        store.path(key)
    with pytest.raises(KeyError):
        store.delete(key)


# --------------------------------------------------------------------------- upload


def test_upload_round_trip(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, PNG, "shot.html", "text/html")
    assert out.case_id == case.id
    assert out.filename == "shot.html"
    assert out.content_type == "image/png"  # what the bytes are, not what was declared
    assert out.size == len(PNG)
    assert out.sha256 == hashlib.sha256(PNG).hexdigest()
    assert out.uploaded_by_id == world.agent_a.user_id

    principal = world.agent_a.principal
    assert attachments.list_attachments(db, principal, case.id) == [out]
    assert attachments.get_attachment(db, principal, case.id, out.id) == out
    found = attachments.open_attachment(db, store, principal, case.id, out.id)
    assert found.meta == out
    assert found.path.read_bytes() == PNG
    assert found.path.is_relative_to(store.root)
    assert "shot" not in str(found.path)  # stored under the store's key, not the name


def test_upload_writes_audit_and_outbox_and_touches_the_case(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"plain text", "notes.txt", "text/html")
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "attachment.added")).one()
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "attachment.added")).one()
        row = s.get(Case, case.id)
    assert (entry.entity_type, entry.entity_id, entry.case_id) == ("attachment", out.id, case.id)
    assert entry.actor_user_id == world.agent_a.user_id
    added = entry.changes["attachment"]["to"]
    assert added["content_type"] == "text/plain"
    assert added["declared_content_type"] == "text/html"
    assert added["sha256"] == out.sha256
    assert event.payload["attachment_id"] == out.id
    assert event.payload["case_id"] == case.id
    assert row is not None
    assert row.version > case.version
    assert row.updated_at == out.created_at


def test_zero_byte_file_is_accepted(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"", "empty.txt")
    assert out.size == 0
    assert out.sha256 == hashlib.sha256(b"").hexdigest()
    assert out.content_type == "application/octet-stream"


def test_large_upload_is_streamed_in_chunks(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    data = ("line of text ✓\n" * 20_000).encode()  # several chunks, multibyte at the seams
    out = upload(db, store, world.agent_a, case.id, data, "log.txt", max_bytes=len(data))
    assert out.size == len(data)
    assert out.sha256 == hashlib.sha256(data).hexdigest()
    assert out.content_type == "text/plain"


def test_binary_after_a_text_start_is_not_text(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    data = b"looks like text\n" * 10_000 + b"\xff\xfe"
    out = upload(db, store, world.agent_a, case.id, data, max_bytes=len(data))
    assert out.content_type == "application/octet-stream"


def test_over_the_limit_is_refused_and_leaves_nothing(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    upload(db, store, world.agent_a, case.id, b"x" * LIMIT)  # exactly the limit is fine
    before = blob_files(store)
    with pytest.raises(PayloadTooLarge):
        upload(db, store, world.agent_a, case.id, b"x" * (LIMIT + 1))
    with pytest.raises(PayloadTooLarge):
        upload(db, store, world.agent_a, case.id, b"x" * 200_000)
    assert count(db, Attachment) == 1
    assert blob_files(store) == before


def test_several_files_are_all_or_nothing(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    ok = Upload("a.txt", io.BytesIO(b"fine"), "text/plain")
    too_big = Upload("b.bin", io.BytesIO(b"y" * (LIMIT + 1)), None)
    with pytest.raises(PayloadTooLarge):
        add_attachments(db, store, world.agent_a.principal, case.id, [ok, too_big], LIMIT)
    assert count(db, Attachment) == 0
    assert added_audit_entries(db) == 0
    assert blob_files(store) == []

    files = [Upload(f"{n}.txt", io.BytesIO(f"file {n}".encode()), None) for n in range(3)]
    out = add_attachments(db, store, world.agent_a.principal, case.id, files, LIMIT)
    assert [a.filename for a in out] == ["0.txt", "1.txt", "2.txt"]
    assert len(blob_files(store)) == 3


def test_no_files_is_invalid(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    with pytest.raises(ValidationFailed):
        add_attachments(db, store, world.agent_a.principal, case.id, [], LIMIT)


def test_failed_transaction_deletes_the_blob(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    other = make_case(db, world.agent_a, group_id=world.group_a)
    msg = messages.add_message(
        db, world.agent_a.principal, other.id, MessageCreate(body_text="elsewhere")
    )
    with pytest.raises(ValidationFailed) as err:
        upload(db, store, world.agent_a, case.id, b"data", message_id=msg.id)
    assert err.value.field == "message_id"
    assert count(db, Attachment) == 0
    assert blob_files(store) == []


def test_attach_to_a_message_of_the_case(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    msg = messages.add_message(
        db, world.agent_a.principal, case.id, MessageCreate(body_text="see attached")
    )
    out = upload(db, store, world.agent_a, case.id, b"data", message_id=msg.id)
    assert out.message_id == msg.id


@pytest.mark.parametrize(
    "raw",
    ["../../etc/passwd", "..\\..\\boot.ini", "x\r\n\r\n<script>", "n" * 5000, "\x00", ""],
)
def test_hostile_filenames_are_stored_safely(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut, raw: str
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"data", raw)
    assert out.filename
    assert "/" not in out.filename and "\\" not in out.filename
    assert not any(ord(ch) < 32 for ch in out.filename)
    assert len(out.filename.encode()) <= MAX_FILENAME_BYTES
    assert out.filename not in {".", ".."}
    (path,) = blob_files(store)
    assert path.parent.parent == store.root


def test_merged_case_accepts_no_attachments(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    target = make_case(db, world.agent_a, group_id=world.group_a)
    merging.merge_case(db, world.agent_a.principal, case.id, target.id)
    with pytest.raises(CaseMerged):
        upload(db, store, world.agent_a, case.id, b"data")
    assert blob_files(store) == []


# --------------------------------------------------------------------------- access


def test_other_groups_case_is_not_found_for_every_operation(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"secret")
    bob = world.agent_b.principal
    with pytest.raises(NotFound):
        attachments.list_attachments(db, bob, case.id)
    with pytest.raises(NotFound):
        attachments.get_attachment(db, bob, case.id, out.id)
    with pytest.raises(NotFound):
        attachments.open_attachment(db, store, bob, case.id, out.id)
    with pytest.raises(NotFound):
        upload(db, store, world.agent_b, case.id, b"intrusion")
    assert count(db, Attachment) == 1
    assert len(blob_files(store)) == 1


def test_attachment_of_another_case_is_not_found(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"secret")
    bobs_case = make_case(db, world.agent_b, group_id=world.group_b)
    bob = world.agent_b.principal
    with pytest.raises(NotFound):
        attachments.get_attachment(db, bob, bobs_case.id, out.id)
    with pytest.raises(NotFound):
        attachments.open_attachment(db, store, bob, bobs_case.id, out.id)
    # the same holds inside one's own cases
    own_other = make_case(db, world.agent_a, group_id=world.group_a)
    with pytest.raises(NotFound):
        attachments.get_attachment(db, world.agent_a.principal, own_other.id, out.id)


def test_missing_permissions_are_forbidden(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"data")
    viewer = make_actor(
        db,
        "viewer@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=[Permission.VIEW_CASE.value, Permission.VIEW_ATTACHMENTS.value],
    )
    blind = make_actor(
        db,
        "blind@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=[Permission.VIEW_CASE.value, Permission.ADD_ATTACHMENTS.value],
    )
    assert attachments.list_attachments(db, viewer.principal, case.id) == [out]
    with pytest.raises(Forbidden):
        upload(db, store, viewer, case.id, b"more")
    with pytest.raises(Forbidden):
        attachments.list_attachments(db, blind.principal, case.id)
    with pytest.raises(Forbidden):
        attachments.get_attachment(db, blind.principal, case.id, out.id)
    with pytest.raises(Forbidden):
        attachments.open_attachment(db, store, blind.principal, case.id, out.id)
    assert len(blob_files(store)) == 1


def test_missing_blob_is_reported_as_not_found(
    db: Database, store: LocalBlobStore, world: World, case: CaseOut
) -> None:
    out = upload(db, store, world.agent_a, case.id, b"data")
    for path in blob_files(store):
        path.unlink()
    with pytest.raises(NotFound):
        attachments.open_attachment(db, store, world.agent_a.principal, case.id, out.id)
