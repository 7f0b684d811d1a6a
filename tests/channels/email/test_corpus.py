"""Every mail of the corpus (``corpus/*.eml``) gets the outcome ``corpus/expected.json``
gives it: created, appended (to which case), ignored or quarantined (and why), with
the text, HTML and attachments it should have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.channels.email.intake import ingest_raw
from casedesk.domain.statuses import InternalStatus
from casedesk.services.mail.incoming import Outcome
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import (
    Attachment,
    Case,
    CaseMessage,
    Contact,
    ContactEmail,
    InboundMail,
)
from tests.channels.email.conftest import LIMITS
from tests.channels.email.world import MailWorld

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))


def test_the_corpus_is_complete() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert files == sorted(EXPECTED)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_mail(name: str, db: Database, mail_world: MailWorld, blobs: LocalBlobStore) -> None:
    expected = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()
    with db.read() as s:
        cases_before = set(s.scalars(select(Case.id)))

    result = ingest_raw(db, blobs, mail_world.corporation_id, raw, LIMITS)

    assert result.outcome == Outcome(expected["outcome"]), result
    assert result.reason == expected.get("reason", ""), result
    with db.read() as s:
        record = s.get(InboundMail, result.inbound_id)
        assert record is not None
        assert record.outcome == expected["outcome"]
        new_cases = set(s.scalars(select(Case.id))) - cases_before
        if result.outcome == Outcome.QUARANTINED:
            assert record.raw_key is not None
            assert blobs.path(record.raw_key).read_bytes() == raw
        else:
            assert record.raw_key is None
        if result.outcome not in (Outcome.CREATED, Outcome.APPENDED):
            assert not new_cases
            assert result.case_id is None
            return
        case = s.get(Case, result.case_id)
        assert case is not None
        where = expected.get("case", "new")
        if where == "new":
            assert new_cases == {case.id}
            assert case.origin == "email"
        else:
            assert not new_cases
            wanted = {"existing": mail_world.printer_case, "merge_target": mail_world.merge_target}
            assert case.id == wanted[where]
        if "title" in expected:
            assert case.title == expected["title"]
        message = s.get(CaseMessage, record.case_message_id)
        assert message is not None
        assert message.direction == "inbound" and message.visibility == "external"
        assert message.message_id_header == record.message_id
        assert message.email_headers is not None
        for text in expected.get("text_contains", []):
            assert text in message.body_text
        for text in expected.get("text_excludes", []):
            assert text not in message.body_text
        for text in expected.get("original_contains", []):
            assert text in (record.original_text or "")
        for text in expected.get("html_contains", []):
            assert text in (message.body_html or "")
        for text in expected.get("html_excludes", []):
            assert text not in (message.body_html or "")
        files = s.scalars(select(Attachment).where(Attachment.message_id == message.id)).all()
        assert len(files) == expected.get("attachments", 0)
        if "attachment_names" in expected:
            assert [f.filename for f in files] == expected["attachment_names"]
        for f in files:
            assert blobs.path(f.storage_key).stat().st_size == f.size
        if "new_contact" in expected:
            contact = s.scalars(
                select(Contact)
                .join(ContactEmail, ContactEmail.contact_id == Contact.id)
                .where(ContactEmail.email == case.from_address)
            ).one()
            assert contact.first_name == expected["new_contact"]
            assert contact.organization_id == mail_world.customer_org
            assert "\n" not in contact.first_name + contact.last_name
        if where == "existing":
            reopened = case.status == InternalStatus.OPEN
            assert reopened == (expected.get("reason") != "auto-submitted")


def test_the_same_mail_twice_is_stored_once(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore
) -> None:
    raw = (CORPUS / "32_attachment_pdf.eml").read_bytes()
    first = ingest_raw(db, blobs, mail_world.corporation_id, raw, LIMITS)
    again = ingest_raw(db, blobs, mail_world.corporation_id, raw, LIMITS)
    assert first.outcome == Outcome.CREATED and not first.duplicate
    assert again.duplicate and again.case_id == first.case_id
    with db.read() as s:
        assert len(s.scalars(select(InboundMail)).all()) == 1
        assert len(s.scalars(select(Attachment)).all()) == 1
    assert len(list((blobs.root).rglob("*"))) == 2  # one fan-out folder, one blob
