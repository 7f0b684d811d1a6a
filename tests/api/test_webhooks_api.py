"""/webhooks over HTTP: admins manage subscriptions (the secret shown once, rotatable),
read the delivery log and redeliver; agents and other corporations get problem+json
refusals, bad input a 422 naming the field, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook as Verifier

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.webhooks import AllowList
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.webhooks import delivery, dispatch
from casedesk.store.db import Database
from tests.factories import Actor, World, make_actor, make_case
from tests.services.webhooks.receiver import Receiver, run_receiver

API = "/api/v1/webhooks"
PROBLEM = "application/problem+json"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with run_receiver() as r:
        yield r


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    allowed = settings.model_copy(update={"webhook_allow": ["127.0.0.1/32"]})
    with TestClient(create_app(allowed, db)) as c:
        yield c


def _create(client: TestClient, actor: Actor, url: str, **body: Any) -> dict[str, Any]:
    r = client.post(
        API, json={"url": url, "event_types": ["case.created"]} | body, headers=actor.headers
    )
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_an_admin_manages_a_webhook_and_sees_its_secret_once(
    client: TestClient, world: World, receiver: Receiver
) -> None:
    created = _create(
        client,
        world.admin,
        receiver.url(),
        description="CRM",
        filters={"group_ids": [world.group_a], "statuses": [1]},
    )
    assert created["secret"].startswith("whsec_")
    assert created["filters"] == {"group_ids": [world.group_a], "statuses": [1]}
    url = f"{API}/{created['id']}"

    read = client.get(url, headers=world.admin.headers).json()
    assert "secret" not in read and created["secret"].startswith(read["secret_hint"][:-1])
    assert [w["id"] for w in client.get(API, headers=world.admin.headers).json()] == [created["id"]]

    r = client.patch(
        url,
        json={"event_types": ["message.added", "case.updated"], "is_active": False},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["event_types"], r.json()["is_active"]) == (
        ["case.updated", "message.added"],
        False,
    )

    rotated = client.post(f"{url}/rotate-secret", headers=world.admin.headers).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]

    assert client.delete(url, headers=world.admin.headers).status_code == 204
    assert client.get(url, headers=world.admin.headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.org/x"}, "url"),
        ({"url": "http://user:pw@example.org/"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "http://[::1]:8080/"}, "url"),
        ({"url": "http://exa mple.org/"}, "url"),
        ({"event_types": ["case.exploded"]}, "event_types"),
        ({"event_types": []}, "event_types"),
        ({"filters": {"statuses": [9]}}, "filters"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    payload = {"url": "https://hooks.example.org/in", "event_types": ["case.created"]} | body
    r = client.post(API, json=payload, headers=world.admin.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert field in r.text
    assert client.get(API, headers=world.admin.headers).json() == []


def test_agents_and_other_corporations_are_refused(
    client: TestClient, db: Database, world: World, receiver: Receiver
) -> None:
    created = _create(client, world.admin, receiver.url())
    r = client.get(API, headers=world.agent_a.headers)
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    r = client.post(
        API,
        json={"url": receiver.url(), "event_types": ["case.created"]},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 403
    with db.write() as s:
        other = create_corporation(s, "Globex", "GX-").id
    outsider = make_actor(db, "admin@globex.test", "admin", [], other)
    for method, path in (
        ("GET", f"{API}/{created['id']}"),
        ("PATCH", f"{API}/{created['id']}"),
        ("DELETE", f"{API}/{created['id']}"),
        ("POST", f"{API}/{created['id']}/rotate-secret"),
        ("GET", f"{API}/{created['id']}/deliveries"),
    ):
        kwargs: dict[str, Any] = {"json": {}} if method == "PATCH" else {}
        r = client.request(method, path, headers=outsider.headers, **kwargs)
        assert r.status_code == 404, (method, path, r.text)
    assert client.get(API, headers=outsider.headers).json() == []
    assert client.get(f"{API}/{created['id']}", headers=world.admin.headers).status_code == 200


def test_the_delivery_log_and_a_redelivery(
    client: TestClient, db: Database, world: World, receiver: Receiver
) -> None:
    created = _create(client, world.admin, receiver.url())
    make_case(db, world.admin)
    allow = AllowList.parse(["127.0.0.1/32"])
    now = datetime.now(UTC)
    dispatch.fan_out(db, now)
    delivery.deliver_due(db, now, allow)

    log = client.get(f"{API}/{created['id']}/deliveries", headers=world.admin.headers).json()
    [entry] = log
    assert (entry["state"], entry["response_status"], entry["attempts"]) == ("delivered", 200, 1)
    assert entry["event_type"] == "case.created"

    r = client.post(
        f"{API}/{created['id']}/deliveries/{entry['id']}/redeliver", headers=world.admin.headers
    )
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "pending"
    delivery.deliver_due(db, datetime.now(UTC), allow)
    assert len(receiver.requests) == 2
    Verifier(created["secret"]).verify(receiver.requests[1].body, receiver.requests[1].headers)

    pending = client.get(
        f"{API}/{created['id']}/deliveries?state=pending", headers=world.admin.headers
    ).json()
    assert pending == []

    client.patch(f"{API}/{created['id']}", json={"is_active": False}, headers=world.admin.headers)
    r = client.post(
        f"{API}/{created['id']}/deliveries/{entry['id']}/redeliver", headers=world.admin.headers
    )
    assert r.status_code == 409 and r.headers["content-type"].startswith(PROBLEM)
    r = client.get(f"{API}/{created['id']}/deliveries/999999", headers=world.admin.headers)
    assert r.status_code == 404


@pytest.mark.parametrize(
    "patch",
    [
        {"url": None},
        {"event_types": None},
        {"url": "http://10.0.0.1/in"},
        {"event_types": ["nope"]},
        {"filters": {"group_ids": [0]}},
        {"secret": "whsec_mine"},
    ],
)
def test_a_bad_change_is_refused_and_changes_nothing(
    client: TestClient, world: World, receiver: Receiver, patch: dict[str, Any]
) -> None:
    created = _create(client, world.admin, receiver.url())
    r = client.patch(f"{API}/{created['id']}", json=patch, headers=world.admin.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    after = client.get(f"{API}/{created['id']}", headers=world.admin.headers).json()
    assert after == {k: v for k, v in created.items() if k != "secret"}
