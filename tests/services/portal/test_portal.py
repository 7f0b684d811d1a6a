"""What a customer contact sees and does in the portal (services.portal.reads*)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.domain.errors import NotFound, PayloadTooLarge, ValidationFailed
from casedesk.domain.public_status import PublicStatus
from casedesk.domain.statuses import InternalStatus
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments.files import Upload
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CasePatch, MessageCreate
from casedesk.services.portal import reads as portal
from casedesk.services.portal import writes
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, CaseMessage
from tests.services.portal.world import PortalWorld, make_portal_world

LIMIT = 1024 * 1024


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "attachments")


def _file(name: str, data: bytes) -> Upload:
    return Upload(name, io.BytesIO(data), "application/octet-stream")


def test_a_contact_sees_their_own_cases_only(pw: PortalWorld, db: Database) -> None:
    mine = pw.case_for(pw.carol, "Carol's printer")
    pw.case_for(pw.erin, "Erin's laptop")
    listed = portal.list_cases(db, pw.carol)
    assert [c.id for c in listed] == [mine.id]
    assert listed[0].reference == f"TCK-{mine.number}"
    assert listed[0].status == PublicStatus.SUBMITTED


def test_organization_sharing_follows_the_contact_setting(pw: PortalWorld, db: Database) -> None:
    carols = pw.case_for(pw.carol, "Carol's printer")
    # Dave may see his organization's cases: Carol's too.
    assert [c.id for c in portal.list_cases(db, pw.dave)] == [carols.id]
    assert portal.get_case(db, pw.dave, carols.id).title == "Carol's printer"
    # Carol may not see Dave's: she sees only her own.
    daves = pw.case_for(pw.dave, "Dave's phone")
    assert [c.id for c in portal.list_cases(db, pw.carol)] == [carols.id]
    with pytest.raises(NotFound):
        portal.get_case(db, pw.carol, daves.id)


def test_another_contacts_case_is_not_found_like_a_missing_one(
    pw: PortalWorld, db: Database
) -> None:
    erins = pw.case_for(pw.erin)
    with pytest.raises(NotFound) as hidden:
        portal.get_case(db, pw.carol, erins.id)
    with pytest.raises(NotFound) as missing:
        portal.get_case(db, pw.carol, 999_999)
    assert str(hidden.value).replace(str(erins.id), "N") == str(missing.value).replace(
        "999999", "N"
    )


def test_a_contact_never_sees_internal_notes_or_their_files(
    pw: PortalWorld, db: Database, blobs: LocalBlobStore
) -> None:
    case = pw.case_for(pw.carol)
    agent = pw.base.agent_a.principal
    messages.add_message(db, agent, case.id, MessageCreate(body_text="We are on it"))
    note = messages.add_message(
        db, agent, case.id, MessageCreate(visibility="internal", body_text="secret note")
    )
    (note_file,) = attachments.add_attachments(
        db, blobs, agent, case.id, [_file("internal.txt", b"internal")], LIMIT, note.id
    )
    (case_file,) = attachments.add_attachments(
        db, blobs, agent, case.id, [_file("case.txt", b"case level")], LIMIT
    )
    seen = portal.get_case(db, pw.carol, case.id)
    assert [m.body_text for m in seen.messages] == ["We are on it"]
    assert seen.messages[0].direction == "outbound"
    for hidden in (note_file.id, case_file.id):
        with pytest.raises(NotFound):
            portal.open_attachment(db, blobs, pw.carol, case.id, hidden)


def test_opening_a_case_with_a_file_is_one_write(
    pw: PortalWorld, db: Database, blobs: LocalBlobStore
) -> None:
    case_id = writes.open_case(
        db, blobs, pw.carol, " Mail  is down ", "Since 9 o'clock", [_file("log.txt", b"x")], LIMIT
    )
    seen = portal.get_case(db, pw.carol, case_id)
    assert seen.title == "Mail is down"
    (first,) = seen.messages
    assert first.direction == "inbound" and first.body_text == "Since 9 o'clock"
    (file,) = first.attachments
    assert portal.open_attachment(db, blobs, pw.carol, case_id, file.id).path.read_bytes() == b"x"
    with db.read() as s:
        row = s.get_one(Case, case_id)
        assert (row.origin, row.organization_id, row.group_id) == (
            "portal",
            pw.organization,
            pw.base.group_a,
        )
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case_id)))
    assert {"case.created", "message.added", "attachment.added"} <= actions
    # The agents of the organization's group see it; the contact is its contact.
    assert cases.get_case(db, pw.base.agent_a.principal, case_id).contact_id == pw.carol.contact_id


def test_bad_input_writes_nothing(pw: PortalWorld, db: Database, blobs: LocalBlobStore) -> None:
    with pytest.raises(ValidationFailed, match="title"):
        writes.open_case(db, blobs, pw.carol, "  ", "text", [], LIMIT)
    with pytest.raises(ValidationFailed, match="description"):
        writes.open_case(db, blobs, pw.carol, "Title", "", [_file("a", b"a")], LIMIT)
    too_many = [_file(f"{i}.txt", b"x") for i in range(writes.MAX_FILES + 1)]
    with pytest.raises(ValidationFailed, match="files"):
        writes.open_case(db, blobs, pw.carol, "Title", "text", too_many, LIMIT)
    big = [_file("ok.txt", b"x"), _file("big.bin", b"x" * (LIMIT + 1))]
    with pytest.raises(PayloadTooLarge):
        writes.open_case(db, blobs, pw.carol, "Title", "text", big, LIMIT)
    assert portal.list_cases(db, pw.carol) == []
    assert [p for p in blobs.root.rglob("*") if p.is_file()] == []


def test_a_reply_reopens_a_closed_case(
    pw: PortalWorld, db: Database, blobs: LocalBlobStore
) -> None:
    case = pw.case_for(pw.carol)
    cases.update_case(db, pw.base.agent_a.principal, case.id, CasePatch(status=2))
    assert portal.get_case(db, pw.carol, case.id).status == PublicStatus.CLOSED
    writes.reply(db, blobs, pw.carol, case.id, "Still broken", [], LIMIT)
    with db.read() as s:
        assert s.get_one(Case, case.id).status == InternalStatus.OPEN
        message = s.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)).one()
        assert (message.direction, message.author_contact_id) == ("inbound", pw.carol.contact_id)


def test_a_reply_to_a_hidden_case_is_not_found(
    pw: PortalWorld, db: Database, blobs: LocalBlobStore
) -> None:
    erins = pw.case_for(pw.erin)
    with pytest.raises(NotFound):
        writes.reply(db, blobs, pw.carol, erins.id, "hello", [_file("a", b"a")], LIMIT)
    with db.read() as s:
        assert s.scalars(select(CaseMessage).where(CaseMessage.case_id == erins.id)).all() == []


def test_the_description_is_shown_once(
    pw: PortalWorld, db: Database, blobs: LocalBlobStore
) -> None:
    by_agent = pw.case_for(pw.carol)
    with db.write() as s:
        s.get_one(Case, by_agent.id).description = "Called in: printer jams"
    assert portal.get_case(db, pw.carol, by_agent.id).opening == "Called in: printer jams"
    in_portal = writes.open_case(db, blobs, pw.carol, "Jam", "It jams", [], LIMIT)
    seen = portal.get_case(db, pw.carol, in_portal)
    assert seen.opening == "" and seen.messages[0].body_text == "It jams"
