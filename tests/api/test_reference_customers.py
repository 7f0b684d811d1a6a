"""/organizations, /contacts and /assets over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, ContactEmail, OrganizationDomain
from tests.factories import Actor, World, make_actor, make_case

API = "/api/v1"


@pytest.fixture
def outsider(db: Database) -> Actor:
    """The admin of another corporation."""
    with db.write() as s:
        corp_id = create_corporation(s, "Globex", "GX-").id
    return make_actor(db, "admin@globex.test", "admin", [], corp_id)


def create(client: TestClient, actor: Actor, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"{API}/{path}", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def count(db: Database, model: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("organizations", {"name": "Northwind", "domains": ["northwind.example"]}),
        ("contacts", {"first_name": "Ann", "emails": ["ann@northwind.example"]}),
        ("assets", {"name": "Laptop 7", "serial": "SN-7"}),
    ],
)
def test_everyone_reads_admins_write(
    client: TestClient, db: Database, world: World, outsider: Actor, path: str, body: dict[str, Any]
) -> None:
    agent = world.agent_a.headers
    assert client.post(f"{API}/{path}", json=body, headers=agent).status_code == 403
    row = create(client, world.admin, path, body)
    url = f"{API}/{path}/{row['id']}"
    assert client.get(url, headers=agent).json() == row
    assert row in client.get(f"{API}/{path}", headers=agent).json()
    assert client.patch(url, json={}, headers=agent).status_code == 403
    assert client.delete(url, headers=agent).status_code == 403
    for method in ("GET", "PATCH", "DELETE"):
        kw: dict[str, Any] = {"json": {}} if method == "PATCH" else {}
        assert client.request(method, url, headers=outsider.headers, **kw).status_code == 404
    assert client.get(f"{API}/{path}", headers=outsider.headers).json() == []
    # another corporation may use the same names, domains and addresses
    create(client, outsider, path, body)
    assert client.delete(url, headers=world.admin.headers).status_code == 204
    assert client.get(url, headers=agent).status_code == 404
    noun = {"organizations": "organization", "contacts": "contact", "assets": "asset"}[path]
    with db.read() as s:
        actions = list(
            s.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.corporation_id == world.corporation_id,
                    AuditEntry.entity_type == noun,
                    AuditEntry.entity_id == row["id"],
                )
                .order_by(AuditEntry.id)
            )
        )
    assert actions == [f"{noun}.created", f"{noun}.deleted"]


# --------------------------------------------------------------------------- organizations


def test_organization_domains(client: TestClient, db: Database, world: World) -> None:
    h = world.admin.headers
    org = create(
        client,
        world.admin,
        "organizations",
        {
            "name": "Contoso",
            "domains": ["Contoso.Example.", "labs.contoso.example", "contoso.example"],
        },
    )
    assert org["domains"] == ["contoso.example", "labs.contoso.example"]
    body = {"name": "Other", "domains": ["contoso.example"]}
    r = client.post(f"{API}/organizations", json=body, headers=h)
    assert r.status_code == 409
    assert r.json()["organization_id"] == org["id"]
    assert r.json()["field"] == "domains"
    assert (
        r.json()["detail"] == f"domain contoso.example belongs to organization {org['id']} already"
    )
    assert (
        client.post(f"{API}/organizations", json={"name": "CONTOSO"}, headers=h).status_code == 409
    )
    r = client.patch(
        f"{API}/organizations/{org['id']}", json={"domains": ["contoso.example"]}, headers=h
    )
    assert r.json()["domains"] == ["contoso.example"]
    assert count(db, OrganizationDomain) == 1
    other = create(
        client, world.admin, "organizations", {"name": "Labs", "domains": ["labs.contoso.example"]}
    )
    assert other["domains"] == ["labs.contoso.example"]
    assert client.delete(f"{API}/organizations/{org['id']}", headers=h).status_code == 204
    assert count(db, OrganizationDomain) == 1


@pytest.mark.parametrize(
    "domain",
    [
        "localhost",
        "-bad.example",
        "bad-.example",
        "a..example",
        "spaces in.example",
        "x" * 64 + ".example",
        "under_score.example",
        "@example.com",
        "example.123",
    ],
)
def test_invalid_domains_are_refused(client: TestClient, world: World, domain: str) -> None:
    r = client.post(
        f"{API}/organizations", json={"name": "X", "domains": [domain]}, headers=world.admin.headers
    )
    assert r.status_code == 422, domain


def test_organizations_in_use_are_kept(client: TestClient, db: Database, world: World) -> None:
    org = create(client, world.admin, "organizations", {"name": "Fabrikam"})
    create(client, world.admin, "contacts", {"last_name": "Doe", "organization_id": org["id"]})
    make_case(db, world.admin, organization_id=org["id"])
    r = client.delete(f"{API}/organizations/{org['id']}", headers=world.admin.headers)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"contacts": 1, "contact_organizations": 1, "cases": 1}


def test_organization_search(client: TestClient, world: World) -> None:
    for name in ("Northwind Traders", "Contoso", "Northwind_Labs"):
        create(client, world.admin, "organizations", {"name": name})
    h = world.agent_a.headers
    found = client.get(f"{API}/organizations?q=NORTH", headers=h).json()
    assert [o["name"] for o in found] == ["Northwind Traders", "Northwind_Labs"]
    found = client.get(f"{API}/organizations?q=d_", headers=h).json()
    assert [o["name"] for o in found] == ["Northwind_Labs"]
    page = client.get(f"{API}/organizations?limit=1&offset=1", headers=h).json()
    assert [o["name"] for o in page] == ["Northwind Traders"]


# --------------------------------------------------------------------------- contacts


def test_contact_emails_and_phones(client: TestClient, db: Database, world: World) -> None:
    h = world.admin.headers
    org = create(client, world.admin, "organizations", {"name": "Northwind"})
    ann = create(
        client,
        world.admin,
        "contacts",
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "title": "CFO",
            "department": "Finance",
            "location": "Seattle",
            "organization_id": org["id"],
            "emails": ["Ann@Northwind.example", "ann.lee@northwind.example"],
            "phones": [{"number": "+1 555 0100"}, {"number": "+1 555 0199", "kind": "mobile"}],
        },
    )
    assert ann["emails"] == ["ann@northwind.example", "ann.lee@northwind.example"]
    assert ann["phones"] == [
        {"number": "+1 555 0100", "kind": "work"},
        {"number": "+1 555 0199", "kind": "mobile"},
    ]
    r = client.post(f"{API}/contacts", json={"emails": ["ANN@northwind.example"]}, headers=h)
    assert r.status_code == 409
    assert r.json()["contact_id"] == ann["id"]
    assert r.json()["field"] == "emails"
    assert (
        r.json()["detail"] == f"email ann@northwind.example belongs to contact {ann['id']} already"
    )
    url = f"{API}/contacts/{ann['id']}"
    r = client.patch(url, json={"emails": ["ann.lee@northwind.example"], "phones": []}, headers=h)
    assert r.json()["emails"] == ["ann.lee@northwind.example"]
    assert r.json()["phones"] == []
    assert r.json()["title"] == "CFO"
    with db.read() as s:
        assert s.scalar(select(ContactEmail.is_primary)) is True
    # the freed address can go to someone else
    create(
        client, world.admin, "contacts", {"first_name": "Bo", "emails": ["ann@northwind.example"]}
    )
    assert client.patch(url, json={"first_name": None}, headers=h).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"first_name": "", "last_name": " "},
        {"first_name": "A", "emails": ["not-an-address"]},
        {"first_name": "A", "emails": ["a@b"]},
        {"first_name": "A", "emails": ["a" * 65 + "@b.example"]},
        {"first_name": "A", "phones": [{"number": ""}]},
        {"first_name": "A", "phones": [{"number": "1" * 51}]},
        {"first_name": "A", "phones": ["+1 555"]},
        {"first_name": "A", "title": "x" * 101},
        {"first_name": "A", "organization_id": 999999},
        {"first_name": "A", "emails": [f"a{i}@b.example" for i in range(21)]},
    ],
)
def test_contact_bad_input(client: TestClient, world: World, body: dict[str, Any]) -> None:
    r = client.post(f"{API}/contacts", json=body, headers=world.admin.headers)
    assert r.status_code == 422, r.text


def test_contacts_in_use_are_kept(client: TestClient, db: Database, world: World) -> None:
    ann = create(client, world.admin, "contacts", {"first_name": "Ann"})
    make_case(db, world.admin, contact_id=ann["id"])
    r = client.delete(f"{API}/contacts/{ann['id']}", headers=world.admin.headers)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"case_members": 1}


def test_contact_search(client: TestClient, world: World) -> None:
    create(
        client,
        world.admin,
        "contacts",
        {"first_name": "Ann", "last_name": "Lee", "emails": ["ann@northwind.example"]},
    )
    create(
        client,
        world.admin,
        "contacts",
        {"first_name": "Bo", "last_name": "Chen", "emails": ["bo@contoso.example"]},
    )
    h = world.agent_a.headers
    assert [c["first_name"] for c in client.get(f"{API}/contacts?q=ann lee", headers=h).json()] == [
        "Ann"
    ]
    assert [c["first_name"] for c in client.get(f"{API}/contacts?q=CONTOSO", headers=h).json()] == [
        "Bo"
    ]
    assert client.get(f"{API}/contacts?q=%25", headers=h).json() == []


# --------------------------------------------------------------------------- assets


def test_assets(client: TestClient, db: Database, world: World, outsider: Actor) -> None:
    h = world.admin.headers
    org = create(client, world.admin, "organizations", {"name": "Northwind"})
    laptop = create(
        client,
        world.admin,
        "assets",
        {
            "name": "ThinkPad T14",
            "kind": "laptop",
            "serial": "PF-3XK2",
            "notes": "spare battery",
            "organization_id": org["id"],
        },
    )
    create(client, world.admin, "assets", {"name": "LaserJet 4"})
    found = client.get(f"{API}/assets?q=pf-3x", headers=h).json()
    assert [a["id"] for a in found] == [laptop["id"]]
    found = client.get(f"{API}/assets?organization_id={org['id']}", headers=h).json()
    assert [a["id"] for a in found] == [laptop["id"]]
    url = f"{API}/assets/{laptop['id']}"
    r = client.patch(url, json={"organization_id": None, "notes": ""}, headers=h)
    assert r.json()["organization_id"] is None
    theirs = create(client, outsider, "organizations", {"name": "Theirs"})
    assert client.patch(url, json={"organization_id": theirs["id"]}, headers=h).status_code == 422
    assert client.patch(url, json={"name": ""}, headers=h).status_code == 422
    r = client.post(f"{API}/assets", json={"name": "x", "notes": "n" * 20_001}, headers=h)
    assert r.status_code == 422
    make_case(db, world.admin, asset_id=laptop["id"])
    r = client.delete(url, headers=h)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"cases": 1}
