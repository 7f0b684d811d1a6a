"""/mailboxes and /mail/quarantine over HTTP: managing the polled mailboxes with a
write-only password, and releasing or discarding quarantined mail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.channels.email.urls import parse_server_url
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, ContactEmail, InboundMail, Mailbox
from tests.factories import Actor, World, make_actor

API = "/api/v1"
CORPUS = Path(__file__).parents[1] / "channels" / "email" / "corpus"
SECRET = "s3cr/et:pw"
URL = "imaps://support%40acme.example:s3cr%2Fet%3Apw@mail.acme.example:993/Support"


@pytest.fixture
def outsider(db: Database) -> Actor:
    """The admin of another corporation."""
    with db.write() as s:
        corp_id = create_corporation(s, "Globex", "GX-").id
    return make_actor(db, "admin@globex.test", "admin", [], corp_id)


def _create(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    r = client.post(f"{API}/mailboxes", json={"name": "Support"} | body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _stored_url(db: Database, mailbox_id: int) -> str:
    with db.read() as s:
        row = s.get(Mailbox, mailbox_id)
        assert row is not None
        return row.imap_url


# --------------------------------------------------------------------------- mailboxes


def test_a_mailbox_is_managed_and_its_password_never_shown(
    client: TestClient, db: Database, world: World
) -> None:
    admin = world.admin.headers
    box = _create(client, world.admin, imap_url=URL, default_group_id=world.group_a)
    assert box["imap_url"] == "imaps://support%40acme.example@mail.acme.example:993/Support"
    assert (box["folder"], box["has_password"], box["processed_action"]) == (
        "Support",
        True,
        "flag",
    )
    url = f"{API}/mailboxes/{box['id']}"
    for r in (client.get(url, headers=admin), client.get(f"{API}/mailboxes", headers=admin)):
        assert r.status_code == 200 and "s3cr" not in r.text
    stored = parse_server_url(_stored_url(db, box["id"]), "imap")
    assert (stored.user, stored.password, stored.security) == (
        "support@acme.example",
        SECRET,
        "tls",
    )

    # A new URL without password or folder keeps both.
    r = client.patch(
        url, json={"imap_url": "imap://support@mx.acme.example?starttls"}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.json()["imap_url"] == "imap://support@mx.acme.example/Support?starttls"
    assert parse_server_url(_stored_url(db, box["id"]), "imap").password == SECRET
    # The password alone, then none.
    r = client.patch(url, json={"password": "new one"}, headers=admin)
    assert r.json()["has_password"] is True and "new one" not in r.text
    assert parse_server_url(_stored_url(db, box["id"]), "imap").password == "new one"
    r = client.patch(url, json={"password": None, "is_active": False}, headers=admin)
    assert (r.json()["has_password"], r.json()["is_active"]) == (False, False)
    r = client.patch(url, json={"processed_action": "move", "move_to": "Done"}, headers=admin)
    assert (r.json()["processed_action"], r.json()["move_to"]) == ("move", "Done")

    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "mailbox")).all()
    assert [e.action for e in entries][:2] == ["mailbox.created", "mailbox.updated"]
    assert entries[-1].action == "mailbox.deleted"
    assert not any(SECRET in str(e.changes) or "new one" in str(e.changes) for e in entries)


def test_the_password_may_come_on_its_own_and_the_folder_override_the_url(
    client: TestClient, db: Database, world: World
) -> None:
    box = _create(
        client,
        world.admin,
        imap_url="imap://me@localhost:1143/INBOX",
        password="p@ss word",
        folder="Customers/New",
    )
    assert box["imap_url"] == "imap://me@localhost:1143/Customers/New"
    stored = parse_server_url(_stored_url(db, box["id"]), "imap")
    assert (stored.password, stored.path) == ("p@ss word", "Customers/New")
    r = client.post(
        f"{API}/mailboxes",
        json={"name": "Twice", "imap_url": URL, "password": "other"},
        headers=world.admin.headers,
    )
    assert r.status_code == 422 and r.json()["field"] == "password"


@pytest.mark.parametrize(
    "url",
    [
        "https://mail.acme.example/INBOX",
        "imap://u:p@mail.acme.example/INBOX",  # plain to another machine
        "imaps://u:p@/INBOX",
        "imaps://mail.acme.example/INBOX",  # no user
        "imaps://u@mail_acme.example/INBOX",
        "imaps://u@mail.acme.example:70000/INBOX",
        "imaps://u@mail.acme.example:0/INBOX",
        "imaps://u@[::1/INBOX",
        "imaps://u@mail.acme.example/INBOX?starttls",
        "imap://u@mail.acme.example/INBOX?starttls&x=1",
        "imaps://u@mail.acme.example/IN%0ABOX",
        "imaps://u@mail.acme.example/INBOX#top",
    ],
)
def test_bad_imap_urls_are_refused(client: TestClient, world: World, url: str) -> None:
    r = client.post(
        f"{API}/mailboxes", json={"name": "Bad", "imap_url": url}, headers=world.admin.headers
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "imap_url"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"processed_action": "move"}, 422, "move_to"),
        ({"processed_action": "move", "move_to": "Support"}, 422, "move_to"),
        ({"processed_action": "archive"}, 422, None),
        ({"default_group_id": 999}, 422, "default_group_id"),
        ({"folder": "In\tbox"}, 422, "folder"),
        ({"name": "support"}, 409, None),
    ],
)
def test_mailbox_rules(
    client: TestClient, world: World, body: dict[str, Any], status: int, field: str | None
) -> None:
    _create(client, world.admin, imap_url=URL)
    r = client.post(
        f"{API}/mailboxes",
        json={"name": "Other", "imap_url": URL} | body,
        headers=world.admin.headers,
    )
    assert r.status_code == status, r.text
    if field:
        assert r.json()["field"] == field


def test_agents_get_403_and_other_corporations_404(
    client: TestClient, db: Database, world: World, outsider: Actor
) -> None:
    box = _create(client, world.admin, imap_url=URL)
    url = f"{API}/mailboxes/{box['id']}"
    agent = world.agent_a.headers
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", f"{API}/mailboxes", None),
        ("POST", f"{API}/mailboxes", {"name": "Mine", "imap_url": URL}),
        ("GET", url, None),
        ("PATCH", url, {"name": "Mine"}),
        ("DELETE", url, None),
    ]
    for method, path, body in calls:
        assert client.request(method, path, json=body, headers=agent).status_code == 403
    for method, path, body in calls[2:]:
        r = client.request(method, path, json=body, headers=outsider.headers)
        assert r.status_code == 404, (method, r.text)
    assert client.get(f"{API}/mailboxes", headers=outsider.headers).json() == []
    # An agent given manage_reference manages mailboxes like an admin.
    keeper = make_actor(
        db, "mail@acme.test", "agent", ["A"], world.corporation_id, ["manage_reference"]
    )
    assert [b["id"] for b in client.get(f"{API}/mailboxes", headers=keeper.headers).json()] == [
        box["id"]
    ]


# --------------------------------------------------------------------------- quarantine


def _mail_in(client: TestClient, actor: Actor, raw: bytes) -> dict[str, Any]:
    headers = actor.headers | {"Content-Type": "message/rfc822"}
    r = client.post(f"{API}/mail/inbound", content=raw, headers=headers)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _quarantine(client: TestClient, actor: Actor) -> list[dict[str, Any]]:
    r = client.get(f"{API}/mail/quarantine", headers=actor.headers)
    assert r.status_code == 200, r.text
    out: list[dict[str, Any]] = r.json()
    return out


def test_released_mail_becomes_a_case_and_its_sender_a_contact(
    client: TestClient, db: Database, world: World
) -> None:
    raw = (CORPUS / "31_unknown_sender.eml").read_bytes()
    assert _mail_in(client, world.admin, raw)["outcome"] == "quarantined"
    [held] = _quarantine(client, world.admin)
    assert (held["sender"], held["subject"], held["reason"], held["mailbox_id"]) == (
        "sales@vendor.example",
        "Special offer on toner",
        "unknown-sender",
        None,
    )
    assert held["received_at"]

    r = client.post(f"{API}/mail/quarantine/{held['id']}/release", headers=world.admin.headers)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["outcome"] == "created" and out["case_id"]
    case = client.get(f"{API}/cases/{out['case_id']}", headers=world.admin.headers).json()
    assert case["title"] == "Special offer on toner"
    assert _quarantine(client, world.admin) == []
    with db.read() as s:
        assert s.scalar(select(ContactEmail.email)) == "sales@vendor.example"
        raw_keys = s.scalars(select(InboundMail.raw_key)).all()
    assert raw_keys == [None]
    # Released once: again is a 404; the same mail once more is recognised.
    again = client.post(f"{API}/mail/quarantine/{held['id']}/release", headers=world.admin.headers)
    assert again.status_code == 404
    assert _mail_in(client, world.admin, raw) | {"case_id": 0} == {
        "outcome": "created",
        "reason": "",
        "case_id": 0,
        "duplicate": True,
    }
    # The sender is allowed now: their next mail comes in directly.
    later = raw.replace(b"<spam.031@vendor.example>", b"<later.031@vendor.example>")
    assert _mail_in(client, world.admin, later)["outcome"] == "created"


def test_mail_that_cannot_be_parsed_is_not_released(client: TestClient, world: World) -> None:
    raw = (CORPUS / "20_malformed_garbage.eml").read_bytes()
    assert _mail_in(client, world.admin, raw)["reason"] == "unparseable"
    [held] = _quarantine(client, world.admin)
    r = client.post(f"{API}/mail/quarantine/{held['id']}/release", headers=world.admin.headers)
    assert r.status_code == 409, r.text
    assert "unparseable" in r.json()["detail"]
    assert _quarantine(client, world.admin) == [held]


def test_discarded_mail_is_gone_and_not_quarantined_again(
    client: TestClient, db: Database, world: World
) -> None:
    raw = (CORPUS / "31_unknown_sender.eml").read_bytes()
    _mail_in(client, world.admin, raw)
    [held] = _quarantine(client, world.admin)
    with db.read() as s:
        key = s.scalar(select(InboundMail.raw_key))
    assert key is not None

    r = client.delete(f"{API}/mail/quarantine/{held['id']}", headers=world.admin.headers)
    assert r.status_code == 204
    assert _quarantine(client, world.admin) == []
    store = client.app.state.settings.attachments_dir  # type: ignore[attr-defined]
    assert not (store / key).exists()
    again = _mail_in(client, world.admin, raw)
    assert (again["outcome"], again["reason"], again["duplicate"]) == ("ignored", "discarded", True)
    assert (
        client.delete(
            f"{API}/mail/quarantine/{held['id']}", headers=world.admin.headers
        ).status_code
        == 404
    )


def test_the_quarantine_needs_manage_reference_and_stays_in_its_corporation(
    client: TestClient, world: World, outsider: Actor
) -> None:
    _mail_in(client, world.admin, (CORPUS / "31_unknown_sender.eml").read_bytes())
    [held] = _quarantine(client, world.admin)
    release = f"{API}/mail/quarantine/{held['id']}/release"
    discard = f"{API}/mail/quarantine/{held['id']}"
    agent = world.agent_a.headers
    assert client.get(f"{API}/mail/quarantine", headers=agent).status_code == 403
    assert client.post(release, headers=agent).status_code == 403
    assert client.delete(discard, headers=agent).status_code == 403
    assert _quarantine(client, outsider) == []
    assert client.post(release, headers=outsider.headers).status_code == 404
    assert client.delete(discard, headers=outsider.headers).status_code == 404
    assert _quarantine(client, world.admin) == [held]


def test_the_quarantine_filters_by_reason_and_pages(client: TestClient, world: World) -> None:
    for name in ("31_unknown_sender.eml", "26_forged_unknown_sender.eml", "21_no_from.eml"):
        _mail_in(client, world.admin, (CORPUS / name).read_bytes())
    get = client.get
    h = world.admin.headers
    assert len(get(f"{API}/mail/quarantine?reason=unknown-sender", headers=h).json()) == 2
    assert len(get(f"{API}/mail/quarantine?limit=1&offset=2", headers=h).json()) == 1
    assert get(f"{API}/mail/quarantine?reason=Bad%20one", headers=h).status_code == 422
