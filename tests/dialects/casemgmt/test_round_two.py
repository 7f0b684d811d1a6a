"""Case Management details a client written against seed 004 relies on: contacts come
back as sent, order numbers keep the seed's length, and errors stay in the seed's
catalogue of responses."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.dialects.casemgmt.test_cases import CM, create, errors_of, sample
from tests.factories import World

API = "/api/v1"


@pytest.fixture
def john(client: TestClient, world: World) -> dict[str, Any]:
    r = client.post(
        f"{API}/contacts",
        json={"first_name": "John", "last_name": "Doe", "emails": ["john@example.com"]},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    contact: dict[str, Any] = r.json()
    return contact


def test_the_sample_contacts_round_trip(
    client: TestClient, world: World, john: dict[str, Any]
) -> None:
    """The seed's create sample: ``"type": "NOTIFICATION", …, "details": [{"type":
    "PHONE", "value": "+1-2342343333"}]`` and ``"type": "TECHNICAL", "registeredUsers":
    ["John Doe"]``. A get gives both back as sent, in order, with no one else's email."""
    contacts = sample("create")["contacts"]
    number = create(client, world.agent_a, contacts=contacts)
    got = client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()
    assert got["contacts"] == contacts
    assert "john@example.com" not in str(got["contacts"])
    case = client.get(f"{API}/cases/{int(number)}", headers=world.agent_a.headers).json()
    assert case["contact_id"] == john["id"]


def test_every_contact_type_and_channel_round_trips(
    client: TestClient, world: World, john: dict[str, Any]
) -> None:
    """Every contact type (NOTIFICATION, TECHNICAL), registered users and channels
    (EMAIL, PHONE), several of each, come back as they were sent."""
    contacts = [
        {"type": "TECHNICAL", "firstName": "Ann", "lastName": "Lee", "details": [
            {"type": "EMAIL", "value": "ann@example.com"},
            {"type": "PHONE", "value": "+44 20 7946 0000"},
            {"type": "EMAIL", "value": "ann.lee@example.org"},
        ]},
        {"type": "NOTIFICATION", "registeredUsers": ["John Doe", "john doe"]},
        {"type": "NOTIFICATION", "firstName": "Bo", "lastName": "Ek", "details": [
            {"type": "PHONE", "value": "+46 8 000 00"},
        ]},
        {"type": "TECHNICAL", "registeredUsers": ["John Doe"]},
    ]  # fmt: skip
    number = create(client, world.agent_a, contacts=contacts)
    got = client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()
    assert got["contacts"] == contacts


def test_order_numbers_always_follow_the_seed_rule(client: TestClient, world: World) -> None:
    """Seed: ``orderId | string (OrderNumber) [ 14 .. 100 ] characters Order number.``
    A primaryId of 14..100 characters is the order number; a shorter one (the create
    takes 1..100) gives the derived ``1-`` and twelve digits, which finds the case too."""
    long_ref = "order-2026-0001-x"
    n1 = create(client, world.agent_a, primaryId=long_ref)
    got = client.get(f"{CM}/{n1}", headers=world.agent_a.headers).json()
    assert got["orderId"] == long_ref
    for short in ("0001", "ord-20260101"):
        number = create(client, world.agent_a, primaryId=short)
        got = client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()
        assert 14 <= len(got["orderId"]) <= 100
        assert got["orderId"] == f"1-{int(number):012d}"
        again = client.get(f"{CM}/{got['orderId']}", headers=world.agent_a.headers).json()
        assert again["id"] == number
    by_short = client.get(f"{CM}/ord-20260101", headers=world.agent_a.headers)
    assert by_short.status_code == 200


@pytest.mark.parametrize("missing", ["99999999", "1-000099999999", "no-such-order-number"])
def test_an_unknown_case_answers_from_the_seed_catalogue(
    client: TestClient, world: World, missing: str
) -> None:
    """The seed's responses are ``200 400 401 403 409 500``: an unknown case (or one of
    another group) is a 400 ``not-found`` on get, modify and cancel, never a 404."""
    theirs = create(client, world.agent_b)
    seen = {
        client.get(f"{CM}/{missing}", headers=world.agent_a.headers).status_code,
        client.get(f"{CM}/{theirs}", headers=world.agent_a.headers).status_code,
        client.post(
            f"{CM}/{missing}/cancel", json={"reason": "x"}, headers=world.agent_a.headers
        ).status_code,
        client.patch(
            f"{CM}/{theirs}", json={"text": "x"}, headers=world.agent_a.headers
        ).status_code,
    }
    assert seen == {400}
    r = client.get(f"{CM}/{missing}", headers=world.agent_a.headers)
    assert errors_of(r)[0]["code"] == "not-found"
