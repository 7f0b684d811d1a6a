"""The mail quarantine page: a hostile mail is listed and shown as escaped text,
released into intake (a case and a contact) or deleted; a mail that cannot be taken
in is named and stays; agents are refused."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.config import Settings
from casedesk.services.mail import quarantine
from casedesk.services.mail.quarantine import QuarantinedMail
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, notice_of, redirected_to

HOME = "/console/admin/quarantine"
CORPUS = Path(__file__).parents[1] / "channels" / "email" / "corpus"
HOSTILE = (
    b"From: Mallory <mallory@stranger.example>\r\n"
    b"To: support@acme.example\r\n"
    b"Subject: <img src=x onerror=alert(1)> invoice\r\n"
    b"Message-ID: <hostile.1@stranger.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"<script>alert('owned')</script> please pay\r\n"
)


def held(app_client: TestClient, db: Database, settings: Settings, world: World, raw: bytes) -> int:
    """Mail ``raw`` in as if fetched, into the blob store the pages read; its id."""
    store = app_client.app.state.blob_store  # type: ignore[attr-defined]
    result = ingest_raw(db, store, world.corporation_id, raw, Limits.from_settings(settings))
    assert result.outcome == "quarantined", result
    assert result.inbound_id is not None
    return result.inbound_id


def listed(db: Database, world: World) -> list[QuarantinedMail]:
    return quarantine.list_quarantine(db, world.admin.principal)


def test_a_hostile_mail_is_listed_and_shown_as_escaped_text(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    mail_id = held(app_client, db, settings, world, HOSTILE)
    listing = admin.get(HOME)
    assert listing.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt; invoice" in listing.text
    assert "<img src=x" not in listing.text
    assert "unknown-sender" in listing.text

    page = admin.get(f"{HOME}/{mail_id}")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; please pay" in page.text
    assert "Message-ID: &lt;hostile.1@stranger.example&gt;" in page.text
    assert "<script>alert" not in page.text
    assert "mallory@stranger.example" in page.text


def test_released_mail_becomes_a_case_and_leaves_the_quarantine(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    mail_id = held(app_client, db, settings, world, (CORPUS / "31_unknown_sender.eml").read_bytes())
    answer = admin.post(f"{HOME}/{mail_id}/release", {})
    assert redirected_to(answer) == f"{HOME}?done=released"
    assert listed(db, world) == []
    assert "Released into intake." in admin.get(f"{HOME}?done=released").text
    cases = app_client.get("/api/v1/cases", headers=world.admin.headers).json()
    assert [c["title"] for c in cases["items"]] == ["Special offer on toner"]
    # Gone from the quarantine: its page and a second release are not found.
    assert admin.get(f"{HOME}/{mail_id}").status_code == 404
    assert admin.post(f"{HOME}/{mail_id}/release", {}).status_code == 404


def test_mail_that_cannot_be_taken_in_is_named_and_stays(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    raw = (CORPUS / "20_malformed_garbage.eml").read_bytes()
    mail_id = held(app_client, db, settings, world, raw)
    before = listed(db, world)
    answer = admin.post(f"{HOME}/{mail_id}/release", {})
    assert answer.status_code == 409
    assert "cannot be taken in (unparseable)" in notice_of(answer)
    assert listed(db, world) == before


def test_deleted_mail_leaves_the_quarantine(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    mail_id = held(app_client, db, settings, world, HOSTILE)
    assert redirected_to(admin.post(f"{HOME}/{mail_id}/delete", {})) == f"{HOME}?done=discarded"
    assert listed(db, world) == []
    assert "Nothing in the quarantine." in admin.get(HOME).text


def test_the_list_filters_by_reason(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    held(app_client, db, settings, world, HOSTILE)
    held(app_client, db, settings, world, (CORPUS / "20_malformed_garbage.eml").read_bytes())
    only = admin.get(f"{HOME}?reason=unknown-sender").text
    assert "invoice" in only and "unparseable</td>" not in only
    assert admin.get(f"{HOME}?reason=<b>").status_code == 422


def test_agents_are_refused_every_page_and_change(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    mail_id = held(app_client, db, settings, world, HOSTILE)
    before = listed(db, world)
    app_client.cookies.clear()
    agent = Browser(app_client, world.agent_a.email)
    assert agent.get(HOME).status_code == 403
    assert agent.get(f"{HOME}/{mail_id}").status_code == 403
    assert agent.post(f"{HOME}/{mail_id}/release", {}).status_code == 403
    assert agent.post(f"{HOME}/{mail_id}/delete", {}).status_code == 403
    assert listed(db, world) == before


def test_a_long_mail_is_shown_cut_and_one_over_the_size_limit_says_so(
    admin: Browser, app_client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    long_mail = HOSTILE.replace(b"hostile.1", b"long.1") + b"x" * (300 * 1024) + b"THE END\r\n"
    mail_id = held(app_client, db, settings, world, long_mail)
    page = admin.get(f"{HOME}/{mail_id}").text
    assert "Cut here" in page and "please pay" in page and "THE END" not in page

    small = settings.model_copy(update={"max_mail_bytes": 100})
    too_large = held(app_client, db, small, world, HOSTILE.replace(b"hostile.1", b"big.1"))
    page = admin.get(f"{HOME}/{too_large}").text
    assert "over the size limit" in page and "please pay" not in page
