"""/api/v1/templates over HTTP: managing templates, the checks on their fields, and
opening cases from them with overrides."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.services.cases import templates
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.cases.templates import TemplateFields
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import CaseSchedule, Category, OutboxEvent, Priority
from tests.factories import Actor, World, make_actor

API = "/api/v1"


def new_template(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "New hire")
    r = client.post(f"{API}/templates", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    return body


@pytest.fixture
def refs(db: Database, world: World) -> dict[str, int]:
    with db.write() as s:
        urgent = Priority(corporation_id=world.corporation_id, name="Urgent", rank=-5)
        onboarding = Category(corporation_id=world.corporation_id, name="Onboarding")
        s.add_all([urgent, onboarding])
        s.flush()
        return {"priority_id": urgent.id, "category_id": onboarding.id}


# --------------------------------------------------------------------------- managing


def test_admin_manages_templates_and_everyone_reads_them(
    client: TestClient, world: World, refs: dict[str, int]
) -> None:
    admin = world.admin.headers
    fields = {"title": "New hire: accounts and laptop", "tags": ["onboarding"], **refs}
    made = new_template(client, world.admin, name=" New hire ", fields=fields)
    assert made["name"] == "New hire"
    assert made["fields"] == fields
    url = f"{API}/templates/{made['id']}"

    for actor in (world.admin, world.agent_a, world.agent_b):
        assert client.get(f"{API}/templates", headers=actor.headers).json() == [made]
        assert client.get(url, headers=actor.headers).json() == made

    r = client.patch(url, json={"name": "Onboarding"}, headers=admin)
    assert r.status_code == 200 and r.json()["fields"] == fields
    r = client.patch(url, json={"fields": {"description": "only this"}}, headers=admin)
    assert r.json()["fields"] == {"description": "only this"}
    assert r.json()["name"] == "Onboarding"

    assert client.delete(url, headers=admin).status_code == 204
    assert problem(client.get(url, headers=admin), 404)["code"] == "not-found"
    assert client.get(f"{API}/templates", headers=admin).json() == []


def test_agents_cannot_write_templates(client: TestClient, world: World) -> None:
    made = new_template(client, world.admin)
    url = f"{API}/templates/{made['id']}"
    h = world.agent_a.headers
    for r in (
        client.post(f"{API}/templates", json={"name": "Mine"}, headers=h),
        client.patch(url, json={"name": "Mine"}, headers=h),
        client.delete(url, headers=h),
    ):
        assert problem(r, 403)["permission"] == "manage_reference"
    assert client.get(url, headers=h).json() == made


def test_names_are_unique_per_corporation(db: Database, client: TestClient, world: World) -> None:
    new_template(client, world.admin, name="Password reset")
    other = new_template(client, world.admin, name="Printer")
    r = client.post(
        f"{API}/templates", json={"name": "password RESET"}, headers=world.admin.headers
    )
    assert problem(r, 409)["field"] == "name"
    r = client.patch(
        f"{API}/templates/{other['id']}",
        json={"name": "Password reset"},
        headers=world.admin.headers,
    )
    assert problem(r, 409)["field"] == "name"
    for name in ("", " ", "x" * 101):
        r = client.post(f"{API}/templates", json={"name": name}, headers=world.admin.headers)
        assert problem(r, 422)["field"].endswith("name")

    # another corporation has its own names and does not see these templates
    with db.write() as s:
        corp = create_corporation(s, "Globex", "GLX-").id
    boss = make_actor(db, "boss@globex.test", "admin", [], corp)
    assert client.get(f"{API}/templates", headers=boss.headers).json() == []
    assert client.get(f"{API}/templates/{other['id']}", headers=boss.headers).status_code == 404
    new_template(client, boss, name="Password reset")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"bogus": 1}, "bogus"),
        ({"id": 7}, "id"),
        ({"number": 7}, "number"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"follower_ids": None}, "follower_ids"),
        ({"priority_id": 987_654}, "fields.priority_id"),
        ({"category_id": 987_654}, "fields.category_id"),
        ({"group_id": 987_654}, "fields.group_id"),
        ({"contact_id": 987_654}, "fields.contact_id"),
        ({"assignee_id": 987_654}, "fields.assignee_id"),
        ({"follower_ids": [987_654]}, "fields.follower_ids"),
        ({"status_id": 987_654}, "fields.status_id"),
        ({"status": 5}, "fields.status"),
        ({"parent_id": 987_654}, "fields.parent_id"),
        ({"custom_fields": {"nope": "x"}}, "fields.custom_fields.nope"),
    ],
)
def test_template_fields_are_checked_on_write(
    client: TestClient, world: World, fields: dict[str, Any], field: str
) -> None:
    h = world.admin.headers
    r = client.post(f"{API}/templates", json={"name": "T", "fields": fields}, headers=h)
    assert problem(r, 422)["field"].endswith(field)
    made = new_template(client, world.admin, name="Fine")
    r = client.patch(f"{API}/templates/{made['id']}", json={"fields": fields}, headers=h)
    assert problem(r, 422)["field"].endswith(field)
    assert client.get(f"{API}/templates/{made['id']}", headers=h).json() == made


def test_a_template_a_schedule_uses_cannot_be_deleted(
    db: Database, client: TestClient, world: World
) -> None:
    made = new_template(client, world.admin, fields={"title": "Monthly backup check"})
    with db.write() as s:
        s.add(
            CaseSchedule(
                corporation_id=world.corporation_id,
                name="Monthly",
                template_id=made["id"],
                run_as_user_id=world.admin.user_id,
                recurrence={"kind": "monthly", "day": 1, "time": "08:00"},
                time_zone="Europe/Berlin",
            )
        )
    r = client.delete(f"{API}/templates/{made['id']}", headers=world.admin.headers)
    assert "still in use" in problem(r, 409)["detail"]


def test_template_fields_mirror_the_create_request() -> None:
    assert set(TemplateFields.model_fields) == set(CaseCreate.model_fields)


# --------------------------------------------------------------------------- opening cases


def test_a_case_from_a_template_takes_its_fields_and_the_overrides(
    db: Database, client: TestClient, world: World, refs: dict[str, int]
) -> None:
    made = new_template(
        client,
        world.admin,
        fields={
            "title": "New hire: accounts",
            "description": "Create the accounts.",
            "tags": ["onboarding"],
            **refs,
        },
    )
    h = world.agent_a.headers
    r = client.post(
        f"{API}/templates/{made['id']}/cases",
        json={"description": "For Jane, starting Monday.", "tags": ["jane"], "category_id": None},
        headers=h,
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert r.headers["location"] == f"/api/v1/cases/{case['id']}"
    assert r.headers["etag"] == f'"{case["id"]}-{case["version"]}"'
    assert case["title"] == "New hire: accounts"
    assert case["description"] == "For Jane, starting Monday."
    assert case["priority_id"] == refs["priority_id"]
    assert case["category_id"] is None
    assert case["tags"] == ["jane"]
    # the defaults of a plain create
    assert (case["status"], case["number"], case["reference"]) == (1, 1, "TCK-1")
    assert case["group_id"] == world.group_a
    assert case["creator_id"] == world.agent_a.user_id
    assert case["origin"] == "api"
    assert client.get(f"{API}/cases/{case['id']}", headers=h).json() == case

    (created,) = client.get(f"{API}/cases/{case['id']}/history", headers=h).json()["audit"]
    assert created["action"] == "case.created"
    assert created["changes"]["template_id"] == {"from": None, "to": made["id"]}
    with db.read() as s:
        payload = s.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.topic == "case.created")
        ).one()
    assert payload["template_id"] == made["id"]


def test_the_title_comes_from_the_template_or_the_request(client: TestClient, world: World) -> None:
    made = new_template(client, world.admin, fields={"description": "no title here"})
    url = f"{API}/templates/{made['id']}/cases"
    h = world.agent_a.headers
    assert problem(client.post(url, headers=h), 422)["field"] == "title"
    assert problem(client.post(url, json={}, headers=h), 422)["field"] == "title"
    r = client.post(url, json={"title": "Given here"}, headers=h)
    assert r.status_code == 201, r.text
    assert (r.json()["title"], r.json()["description"]) == ("Given here", "no title here")
    assert problem(client.post(url, json={"bogus": 1}, headers=h), 422)
    assert client.get(f"{API}/cases", headers=h).json()["items"][0]["title"] == "Given here"


def test_opening_applies_the_create_rules(db: Database, client: TestClient, world: World) -> None:
    made = new_template(
        client, world.admin, fields={"title": "In group B", "group_id": world.group_b}
    )
    url = f"{API}/templates/{made['id']}/cases"
    # an agent of group A cannot open a case in group B, from a template or not
    assert problem(client.post(url, headers=world.agent_a.headers), 422)["field"] == "group_id"
    r = client.post(url, headers=world.agent_b.headers)
    assert r.status_code == 201 and r.json()["group_id"] == world.group_b
    viewer = make_actor(db, "viewer@acme.test", "agent", ["B"], world.corporation_id, ["view_case"])
    assert problem(client.post(url, headers=viewer.headers), 403)["permission"] == "create_case"
    assert problem(client.post(f"{API}/templates/987654/cases", headers=world.agent_b.headers), 404)


def test_opening_with_an_idempotency_key_opens_once(client: TestClient, world: World) -> None:
    made = new_template(client, world.admin, fields={"title": "Badge request"})
    url = f"{API}/templates/{made['id']}/cases"
    h = world.agent_a.headers | {"Idempotency-Key": "badge-1"}
    first = client.post(url, json={"description": "for Jane"}, headers=h)
    again = client.post(url, json={"description": "for Jane"}, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    other = client.post(url, json={"description": "for John"}, headers=h)
    assert problem(other, 422)["code"] == "idempotency-key-reused"
    assert len(client.get(f"{API}/cases", headers=world.agent_a.headers).json()["items"]) == 1


def test_a_scheduler_opens_cases_as_its_user_with_its_origin(db: Database, world: World) -> None:
    made = templates.create_template(
        db,
        world.admin.principal,
        templates.TemplateCreate(name="Weekly", fields=TemplateFields(title="Check backups")),
    )
    out = templates.open_from_template(db, world.agent_b.principal, made.id, origin="scheduled")
    assert (out.title, out.origin, out.group_id) == ("Check backups", "scheduled", world.group_b)
    assert out.creator_id == world.agent_b.user_id
