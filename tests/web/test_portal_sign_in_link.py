"""Signing in to the portal by an emailed link, over HTTP: the same answer for every
address, an outbox event only for a contact's, a link that works once and only in time,
and a page that does not spend the link when it is merely opened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.sign_in import MAX_LINK_REQUESTS_PER_CLIENT
from casedesk.services.identity.portal_sign_in import TOPIC
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, OutboxEvent, SignInLink
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.portal_client import form_token

CAROL = "carol@customer.example"


@pytest.fixture
def settings_with_url(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": "https://support.example.com"})


@pytest.fixture
def client(settings_with_url: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings_with_url, db), base_url="http://testserver")


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def _ask(client: TestClient, email: str) -> str:
    token = form_token(client.get("/portal/sign-in/link").text)
    answer = client.post("/portal/sign-in/link", data={"email": email, "csrf_token": token})
    assert answer.status_code == 200
    return answer.text


def _link_events(db: Database) -> list[OutboxEvent]:
    with db.read() as s:
        return list(s.scalars(select(OutboxEvent).where(OutboxEvent.topic == TOPIC)))


def _link_path(db: Database) -> str:
    (event,) = _link_events(db)
    url = str(event.payload["url"])
    assert url.startswith("https://support.example.com/portal/sign-in/link/")
    return url.removeprefix("https://support.example.com")


def test_asking_for_a_link_answers_alike_for_unknown_addresses_and_sends_nothing(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    unknown = _ask(client, "nobody@nowhere.example")
    assert _link_events(db) == []
    known = _ask(client, "  Carol@Customer.example ")
    (event,) = _link_events(db)
    assert event.payload["email"] == CAROL
    assert event.payload["contact_id"] == pw.carol.contact_id
    assert known.replace(form_token(known), "") == unknown.replace(form_token(unknown), "")
    with db.read() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == pw.carol.contact_id)
        )
        assert "contact.sign_in_link_issued" in set(actions)


def test_a_link_signs_in_once_and_opening_it_does_not_spend_it(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    pw.case_for(pw.carol, "Carol's printer")
    _ask(client, CAROL)
    path = _link_path(db)
    # A mail scanner fetching the link twice spends nothing.
    client.get(path)
    page = client.get(path)
    assert page.status_code == 200 and "Sign in" in page.text
    answer = client.post(path, data={"csrf_token": form_token(page.text)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal"
    assert "Carol&#39;s printer" in client.get("/portal").text

    again = TestClient(client.app)
    page = again.get(path)
    refused = again.post(path, data={"csrf_token": form_token(page.text)}, follow_redirects=False)
    assert refused.status_code == 401
    assert "not valid any more" in refused.text
    assert again.get("/portal", follow_redirects=False).status_code == 303


def test_an_expired_link_signs_nobody_in(client: TestClient, pw: PortalWorld, db: Database) -> None:
    _ask(client, CAROL)
    path = _link_path(db)
    with db.write() as s:
        s.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    page = client.get(path)
    answer = client.post(path, data={"csrf_token": form_token(page.text)}, follow_redirects=False)
    assert answer.status_code == 401
    assert client.cookies.get("casedesk_portal") is None


def test_redeeming_needs_the_form_token(client: TestClient, pw: PortalWorld, db: Database) -> None:
    _ask(client, CAROL)
    path = _link_path(db)
    client.get(path)
    assert client.post(path, data={"csrf_token": "forged"}).status_code == 403
    # The link was not spent by the refused request.
    page = client.get(path)
    answer = client.post(path, data={"csrf_token": form_token(page.text)}, follow_redirects=False)
    assert answer.status_code == 303


def test_a_malformed_link_is_refused_with_422(client: TestClient) -> None:
    assert client.get("/portal/sign-in/link/short").status_code == 422


def test_one_client_may_ask_for_only_so_many_links(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    for i in range(MAX_LINK_REQUESTS_PER_CLIENT):
        _ask(client, f"stranger{i}@example.com")
    token = form_token(client.get("/portal/sign-in/link").text)
    refused = client.post("/portal/sign-in/link", data={"email": CAROL, "csrf_token": token})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert _link_events(db) == []  # Carol got no link from this client
    # Another client is not held up by this one.
    elsewhere = TestClient(client.app, client=("198.51.100.9", 40000))  # type: ignore[arg-type]
    _ask(elsewhere, CAROL)
    assert len(_link_events(db)) == 1
