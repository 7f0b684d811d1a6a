"""The other ways in: ``POST /api/v1/mail/inbound`` for an MTA's pipe and
``casedesk mail import FILE.eml``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from casedesk.api.app import create_app
from casedesk.cli import app as cli
from casedesk.config import Settings
from casedesk.services.mail import mailboxes
from casedesk.store.db import Database
from casedesk.store.models import Case, InboundMail
from tests.channels.email.world import MailWorld
from tests.factories import make_actor

CORPUS = Path(__file__).parent / "corpus"
RFC822 = {"Content-Type": "message/rfc822"}


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_mail_bytes": 64 * 1024})
    with TestClient(create_app(limited, db)) as c:
        yield c


def test_an_mta_can_pipe_mail_to_the_endpoint(client: TestClient, mail_world: MailWorld) -> None:
    raw = (CORPUS / "01_plain_text_new.eml").read_bytes()
    headers = mail_world.base.admin.headers | RFC822
    first = client.post("/api/v1/mail/inbound", content=raw, headers=headers)
    again = client.post("/api/v1/mail/inbound", content=raw, headers=headers)
    broken = client.post(
        "/api/v1/mail/inbound",
        content=(CORPUS / "20_malformed_garbage.eml").read_bytes(),
        headers=headers,
    )

    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "created" and first.json()["case_id"]
    assert again.json() == first.json() | {"duplicate": True}
    assert broken.status_code == 200
    assert broken.json()["outcome"] == "quarantined"


def test_the_endpoint_refuses_what_is_not_a_mail_it_may_take(
    client: TestClient, db: Database, mail_world: MailWorld
) -> None:
    url = "/api/v1/mail/inbound"
    admin = mail_world.base.admin.headers
    raw = (CORPUS / "01_plain_text_new.eml").read_bytes()

    too_big = client.post(url, content=b"x" * (64 * 1024 + 1), headers=admin | RFC822)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    wrong_type = client.post(url, content=raw, headers=admin | {"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    empty = client.post(url, content=b"", headers=admin | RFC822)
    assert empty.status_code == 422
    assert client.post(url, content=raw, headers=RFC822).status_code == 401
    agent = mail_world.base.agent_a.headers
    assert client.post(url, content=raw, headers=agent | RFC822).status_code == 403
    pipe = make_actor(
        db, "mta@acme.test", "agent", [], mail_world.corporation_id, permissions=["ingest_mail"]
    )
    assert client.post(url, content=raw, headers=pipe.headers | RFC822).status_code == 200
    with db.read() as s:
        assert len(s.scalars(select(InboundMail)).all()) == 1


def test_mail_import_takes_in_a_file(db: Database, mail_world: MailWorld, tmp_path: Path) -> None:
    box = mailboxes.add_mailbox(db, mail_world.corporation_id, "files", "imap://unused.invalid")
    env = {"CASEDESK_DATABASE_URL": db.url, "CASEDESK_DATA_DIR": str(tmp_path)}
    mail = CORPUS / "32_attachment_pdf.eml"
    runner = CliRunner()

    done = runner.invoke(cli, ["mail", "import", str(mail), "--mailbox", str(box)], env=env)
    again = runner.invoke(cli, ["mail", "import", str(mail), "--mailbox", str(box)], env=env)
    missing = runner.invoke(cli, ["mail", "import", str(mail), "--mailbox", "999"], env=env)

    with db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.title == "Quote for new laptops"))
        record = s.scalars(select(InboundMail)).one()
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"created case {case_id}"
    assert again.output.strip() == f"created case {case_id} (already taken in before)"
    assert record.mailbox_id == box
    assert (tmp_path / "attachments").is_dir()
    assert missing.exit_code == 1 and "mailbox 999 not found" in missing.output
