"""Lists follow activity: a customer's message (portal, API) and an agent's message move
a case's last activity; a case is unread for a user until they open it, never for
their own message, and never reported for a case they may not see. The history reads
as sentences with names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casedesk.services.cases import core, history_view, messages, reads
from casedesk.services.cases.schemas import CasePatch, CaseQuery, MessageCreate
from casedesk.services.cases.search import search_cases
from casedesk.services.portal import writes
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import CaseStatus
from tests.factories import make_actor, make_case
from tests.services.portal.world import PortalWorld, make_portal_world

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMIT = 1024 * 1024


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "attachments")


def test_messages_from_every_side_move_the_last_activity(
    db: Database, pw: PortalWorld, blobs: LocalBlobStore
) -> None:
    alice = pw.base.agent_a.principal
    case = pw.case_for(pw.carol)
    assert case.last_activity_at == case.created_at

    messages.add_message(db, alice, case.id, MessageCreate(body_text="On it"), now=T0)
    assert core.get_case(db, alice, case.id).last_activity_at == T0
    note = MessageCreate(visibility="internal", body_text="Old model")
    messages.add_message(db, alice, case.id, note, now=T0 + timedelta(hours=1))
    assert core.get_case(db, alice, case.id).last_activity_at == T0 + timedelta(hours=1)
    later = T0 + timedelta(hours=2)
    writes.reply(db, blobs, pw.carol, case.id, "Still broken", [], LIMIT, now=later)
    assert core.get_case(db, alice, case.id).last_activity_at == later
    # A change of fields is no activity to read: the time stays.
    core.update_case(db, alice, case.id, CasePatch(title="Printer jammed again"))
    assert core.get_case(db, alice, case.id).last_activity_at == later


def test_lists_sort_by_latest_activity(db: Database, pw: PortalWorld) -> None:
    alice = pw.base.agent_a.principal
    old = pw.case_for(pw.carol, "Old case")
    new = pw.case_for(pw.carol, "New case")
    messages.add_message(db, alice, old.id, MessageCreate(body_text="Bump"))
    page = search_cases(db, alice, CaseQuery(sort="-last_activity_at"))
    assert [c.id for c in page.items] == [old.id, new.id]
    page = search_cases(db, alice, CaseQuery(sort="last_activity_at"))
    assert [c.id for c in page.items] == [new.id, old.id]


def test_a_case_is_unread_until_opened_and_never_for_ones_own_message(
    db: Database, pw: PortalWorld, blobs: LocalBlobStore
) -> None:
    alice = pw.base.agent_a.principal
    amy = make_actor(db, "amy@acme.test", "agent", ["A"], pw.base.corporation_id).principal
    case = pw.case_for(pw.carol)

    assert reads.unread_case_ids(db, alice, [case.id]) == set()  # she opened it
    assert reads.unread_case_ids(db, amy, [case.id]) == {case.id}
    reads.read_case(db, amy, case.id)
    assert reads.unread_case_ids(db, amy, [case.id]) == set()

    writes.reply(db, blobs, pw.carol, case.id, "Any news?", [], LIMIT)
    assert reads.unread_case_ids(db, alice, [case.id]) == {case.id}
    assert reads.unread_case_ids(db, amy, [case.id]) == {case.id}

    messages.add_message(db, alice, case.id, MessageCreate(body_text="Tomorrow"))
    assert reads.unread_case_ids(db, alice, [case.id]) == set()
    assert reads.unread_case_ids(db, amy, [case.id]) == {case.id}
    reads.record_read(db, amy, case.id)  # the same record the API's POST …/read writes
    assert reads.unread_case_ids(db, amy, [case.id]) == set()


def test_unread_never_reports_a_case_of_another_group(db: Database, pw: PortalWorld) -> None:
    hidden = make_case(db, pw.base.agent_b, title="Group B only")
    assert reads.unread_case_ids(db, pw.base.agent_b.principal, [hidden.id]) == set()
    assert reads.unread_case_ids(db, pw.base.agent_a.principal, [hidden.id]) == set()
    bob = make_actor(db, "bert@acme.test", "agent", ["B"], pw.base.corporation_id).principal
    assert reads.unread_case_ids(db, bob, [hidden.id]) == {hidden.id}


def test_history_reads_as_sentences_with_names(
    db: Database, pw: PortalWorld, blobs: LocalBlobStore
) -> None:
    alice = pw.base.agent_a.principal
    case = pw.case_for(pw.carol)
    with db.read() as s:
        waiting = (
            s.query(CaseStatus)
            .filter_by(corporation_id=pw.base.corporation_id, internal_status=3)
            .first()
        )
        assert waiting is not None
        waiting_id, waiting_name = waiting.id, waiting.name
    core.update_case(db, alice, case.id, CasePatch(status_id=waiting_id))
    core.update_case(db, alice, case.id, CasePatch(status_id=waiting_id))  # a no-op
    writes.reply(db, blobs, pw.carol, case.id, "Here is the photo", [], LIMIT)

    lines = history_view.readable_history(db, alice, case.id)
    said = [s for line in lines for s in line.sentences]
    assert f"alice changed status from Open to {waiting_name}" in said
    assert "carol@customer.example added a message through the portal" in said
    assert f"Status changed from {waiting_name} to Open through the portal" in said
    assert "alice opened the case" in said
    assert not any("Open to Open" in s or f"{waiting_name} to {waiting_name}" in s for s in said)
    assert all('"' not in s for s in said)  # no raw values in the sentences
    assert lines[0].at >= lines[-1].at  # newest first
    assert any('"status_id"' in line.raw for line in lines)  # the raw entry on demand
