"""/api/v1/cases over HTTP: create, read, update with If-Match, soft delete, merge,
search, idempotent creates, input errors and authentication."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from casedesk.domain.statuses import InternalStatus
from casedesk.services.identity.auth import create_token, revoke_token
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseStatus, CustomFieldDefinition, Priority, Tag
from tests.factories import PASSWORD, World

API = "/api/v1"
S = InternalStatus


def create(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body.setdefault("title", "Printer does not print")
    r = client.post(f"{API}/cases", json=body, headers=headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def problem(r: Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["detail"]
    return body


def status_id(db: Database, corp: int, internal: InternalStatus, *, name: str | None = None) -> int:
    """The default user status of ``internal``, or with ``name`` a new non-default one."""
    with db.write() as s:
        if name is not None:
            row = CaseStatus(
                corporation_id=corp,
                name=name,
                internal_status=int(internal),
                is_default=False,
                clock="internal",
            )
            s.add(row)
            s.flush()
            return row.id
        return s.scalars(
            select(CaseStatus.id).where(
                CaseStatus.corporation_id == corp,
                CaseStatus.internal_status == int(internal),
                CaseStatus.is_default.is_(True),
            )
        ).one()


def case_count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Case)) or 0)


# --------------------------------------------------------------------------- create and read


def test_create_applies_defaults_and_get_returns_it(
    client: TestClient, db: Database, world: World
) -> None:
    r = client.post(
        f"{API}/cases", json={"title": "Example case title"}, headers=world.agent_a.headers
    )
    assert r.status_code == 201, r.text
    case = r.json()
    with db.read() as s:
        medium = s.scalars(
            select(Priority.id).where(
                Priority.corporation_id == world.corporation_id, Priority.is_default.is_(True)
            )
        ).one()
    assert case["number"] == 1 and case["reference"] == "TCK-1"
    assert (case["status"], case["status_id"]) == (1, status_id(db, world.corporation_id, S.OPEN))
    assert case["priority_id"] == medium
    assert case["group_id"] == world.group_a
    assert case["creator_id"] == world.agent_a.user_id
    assert case["version"] == 1
    assert r.headers["ETag"] == f'"{case["id"]}-1"'
    assert r.headers["Location"] == f"{API}/cases/{case['id']}"

    got = client.get(f"{API}/cases/{case['id']}", headers=world.agent_a.headers)
    assert got.status_code == 200
    assert got.json() == case
    assert got.headers["ETag"] == r.headers["ETag"]

    second = create(client, world.agent_a.headers)
    assert (second["number"], second["reference"]) == (2, "TCK-2")


def test_create_a_closed_case_as_in_the_minimal_example(
    client: TestClient, db: Database, world: World
) -> None:
    case = create(client, world.agent_a.headers, title="This case is closed", status=2)
    assert case["status"] == 2
    assert case["status_id"] == status_id(db, world.corporation_id, S.CLOSED)
    assert case["closed_at"] is not None


def test_status_precedence_through_the_api(client: TestClient, db: Database, world: World) -> None:
    corp, h = world.corporation_id, world.agent_a.headers
    resolved = status_id(db, corp, S.CLOSED, name="Resolved")
    open_id = status_id(db, corp, S.OPEN)

    case = create(client, h, status=2, status_id=open_id)
    assert (case["status"], case["status_id"]) == (2, status_id(db, corp, S.CLOSED))

    url = f"{API}/cases/{case['id']}"
    r = client.patch(url, json={"status": 1, "status_id": resolved}, headers=h)
    assert (r.json()["status"], r.json()["status_id"]) == (1, open_id)
    r = client.patch(url, json={"status_id": resolved}, headers=h)
    assert (r.json()["status"], r.json()["status_id"]) == (2, resolved)
    r = client.patch(url, json={"status": 2, "status_id": resolved}, headers=h)
    assert (r.json()["status_id"], r.json()["version"]) == (resolved, case["version"] + 2)

    body = problem(client.patch(url, json={"status_id": 999_999}, headers=h), 422)
    assert body["field"] == "status_id"
    body = problem(client.patch(url, json={"status": 9}, headers=h), 422)
    assert "status" in body["field"]
    body = problem(
        client.post(f"{API}/cases", json={"title": "t", "status_id": 999_999}, headers=h), 422
    )
    assert body["field"] == "status_id"


# --------------------------------------------------------------------------- update


def test_if_match_guards_updates(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}"
    first_etag = client.get(url, headers=h).headers["ETag"]

    r = client.patch(url, json={"title": "One"}, headers=h | {"If-Match": first_etag})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{case["id"]}-2"'

    stale = client.patch(url, json={"title": "Two"}, headers=h | {"If-Match": first_etag})
    body = problem(stale, 412)
    assert body["current_version"] == 2
    assert client.get(url, headers=h).json()["title"] == "One"

    ok = client.patch(url, json={"description": "any"}, headers=h | {"If-Match": "*"})
    assert ok.status_code == 200, ok.text
    ok = client.patch(
        url, json={"description": "weak"}, headers=h | {"If-Match": "W/" + ok.headers["ETag"]}
    )
    assert ok.status_code == 200, ok.text
    several = f'"{case["id"]}-1", {ok.headers["ETag"]}'
    ok = client.patch(url, json={"description": "one of"}, headers=h | {"If-Match": several})
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 5

    current = client.get(url, headers=h)
    other_case = create(client, h)
    for header in (f'"{other_case["id"]}-{current.json()["version"]}"', "garbage", '""'):
        problem(client.patch(url, json={"title": "x"}, headers=h | {"If-Match": header}), 412)
    assert client.get(url, headers=h).json() == current.json()


def test_patch_applies_only_the_fields_present(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    case = create(client, h, description="keep me", code="A1", tags=["x"])
    r = client.patch(
        f"{API}/cases/{case['id']}", json={"title": "New title", "code": None}, headers=h
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["title"], out["description"], out["code"], out["tags"]) == (
        "New title",
        "keep me",
        None,
        ["x"],
    )
    problem(client.patch(f"{API}/cases/{case['id']}", json={"title": None}, headers=h), 422)
    problem(client.patch(f"{API}/cases/{case['id']}", json={"title": "  "}, headers=h), 422)


def test_tags_through_the_case_body(client: TestClient, db: Database, world: World) -> None:
    h = world.agent_a.headers
    case = create(client, h, tags=["VPN", "vpn ", "Remote"])
    assert case["tags"] == ["Remote", "VPN"]  # the first spelling of each, matched by case
    r = client.patch(f"{API}/cases/{case['id']}", json={"tags": ["remote", "urgent"]}, headers=h)
    assert r.json()["tags"] == ["Remote", "urgent"]
    assert (
        client.patch(f"{API}/cases/{case['id']}", json={"tags": []}, headers=h).json()["tags"] == []
    )
    with db.read() as s:
        assert sorted(s.scalars(select(Tag.name))) == ["Remote", "VPN", "urgent"]


# --------------------------------------------------------------------------- merge and delete


def test_a_merged_case_refuses_updates_naming_the_target(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    source, target = create(client, h), create(client, h)
    src = f"{API}/cases/{source['id']}"
    r = client.post(f"{src}/merge", json={"into_case_id": target["id"]}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["merged_into_id"]) == (5, target["id"])

    attempts = [
        client.patch(src, json={"title": "x"}, headers=h),
        client.post(f"{src}/messages", json={"body_text": "hello"}, headers=h),
        client.post(f"{src}/messages", json={"direction": "inbound", "body_text": "hi"}, headers=h),
        client.post(
            f"{src}/members", json={"role": 2, "user_id": world.agent_a.user_id}, headers=h
        ),
        client.put(f"{src}/tags/urgent", headers=h),
        client.delete(f"{src}/tags/urgent", headers=h),
        client.post(f"{src}/links", json={"kind": "related", "case_id": target["id"]}, headers=h),
        client.post(f"{src}/merge", json={"into_case_id": target["id"]}, headers=h),
        client.delete(src, headers=world.admin.headers),
    ]
    for r in attempts:
        body = problem(r, 409)
        assert body["code"] == "case-merged"
        assert body["merged_into_id"] == target["id"]
        assert str(target["id"]) in body["detail"]

    # reading still works, and the target lists where it was merged from
    assert client.get(src, headers=h).json()["status"] == 5
    assert client.get(f"{src}/messages", headers=h).json() == []
    links = client.get(f"{API}/cases/{target['id']}/links", headers=h).json()
    assert links["merged_from"] == [source["id"]]


def test_soft_delete_hides_from_search_unless_asked(client: TestClient, world: World) -> None:
    agent, admin = world.agent_a.headers, world.admin.headers
    keep, gone = create(client, agent, title="keep"), create(client, agent, title="gone")
    url = f"{API}/cases/{gone['id']}"

    problem(client.delete(url, headers=agent), 403)  # agents lack delete_case by default
    r = client.delete(url, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 4

    def ids(params: dict[str, Any]) -> list[int]:
        r = client.get(f"{API}/cases", params=params | {"sort": "number"}, headers=agent)
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["items"]]

    def count(params: dict[str, Any]) -> int:
        r = client.get(f"{API}/cases/count", params=params, headers=agent)
        assert r.status_code == 200, r.text
        n: int = r.json()["count"]
        return n

    assert ids({}) == [keep["id"]] and count({}) == 1
    assert ids({"include_deleted": "true"}) == [keep["id"], gone["id"]]
    assert count({"include_deleted": "true"}) == 2
    assert ids({"status": 4}) == [gone["id"]] and count({"status": 4}) == 1
    assert ids({"q": "gone"}) == [] and ids({"q": "gone", "include_deleted": "true"}) == [
        gone["id"]
    ]
    assert client.get(url, headers=agent).json()["status"] == 4  # still readable by id


# --------------------------------------------------------------------------- search


def test_search_filters_over_http(client: TestClient, db: Database, world: World) -> None:
    with db.write() as s:
        s.add(
            CustomFieldDefinition(
                corporation_id=world.corporation_id, key="vip", label="VIP", type="bool"
            )
        )
    h = world.agent_a.headers
    a = create(client, h, title="Printer jams", tags=["hardware"], custom_fields={"vip": True})
    b = create(client, h, title="Screen flickers", status=7, assignee_id=world.agent_a.user_id)
    c = create(client, h, title="Printer smokes", status=2, tags=["hardware", "fire"])

    def ids(query: str) -> set[int]:
        r = client.get(f"{API}/cases?{query}", headers=h)
        assert r.status_code == 200, r.text
        found = {x["id"] for x in r.json()["items"]}
        n = client.get(f"{API}/cases/count?{query}", headers=h)
        assert n.status_code == 200, n.text
        assert n.json()["count"] == len(found)
        return found

    assert ids("status=1&status=2") == {a["id"], c["id"]}
    assert ids("tag=hardware") == {a["id"], c["id"]}
    assert ids("tag=hardware&tag=fire") == {a["id"], c["id"]}
    assert ids("custom=vip:true") == {a["id"]}
    assert ids(f"assignee_id={world.agent_a.user_id}") == {b["id"]}
    assert ids("unassigned=true") == {a["id"], c["id"]}
    assert ids("q=printer") == {a["id"], c["id"]}
    assert ids("q=printer&status=2") == {c["id"]}
    assert ids("created_after=2000-01-01T00:00:00Z") == {a["id"], b["id"], c["id"]}
    assert ids("created_before=2000-01-01T00:00:00%2B02:00") == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("created_after=2026-01-01T00:00:00", "created_after"),
        ("updated_before=2026-01-01", "updated_before"),
        ("cursor=not-a-cursor", "cursor"),
        ("custom=novalue", "custom"),
        ("custom=colour:red", "custom.colour"),
        ("status=9", "status"),
        ("group_id=0", "group_id"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("sort=title", "sort"),
        ("unknown_filter=1", None),
    ],
)
def test_bad_search_parameters_are_422_naming_them(
    client: TestClient, world: World, query: str, field: str | None
) -> None:
    create(client, world.agent_a.headers)
    r = client.get(f"{API}/cases?{query}", headers=world.agent_a.headers)
    if field is None:  # unknown query parameters are ignored, as HTTP APIs usually do
        assert r.status_code == 200
        return
    body = problem(r, 422)
    assert field in body["field"]


@pytest.mark.parametrize("sort", ["number", "-number", "created_at", "-updated_at"])
def test_cursor_pagination_over_http(client: TestClient, world: World, sort: str) -> None:
    h = world.agent_a.headers
    made = [create(client, h, title=f"case {i}")["id"] for i in range(7)]
    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"sort": sort, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        r = client.get(f"{API}/cases", params=params, headers=h)
        assert r.status_code == 200, r.text
        seen += [c["id"] for c in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    if sort in ("number", "created_at"):
        assert seen == sorted(made)
    elif sort == "-number":
        assert seen == sorted(made, reverse=True)


# --------------------------------------------------------------------------- idempotency


def test_idempotency_key_replays_the_first_answer(
    client: TestClient, db: Database, world: World
) -> None:
    h = world.agent_a.headers | {"Idempotency-Key": "req-123"}
    body = {"title": "Only once", "tags": ["a"]}
    first = client.post(f"{API}/cases", json=body, headers=h)
    again = client.post(f"{API}/cases", json=body, headers=h)

    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Location"] == first.headers["Location"]
    assert case_count(db) == 1

    other = problem(client.post(f"{API}/cases", json={"title": "Something else"}, headers=h), 422)
    assert other["code"] == "idempotency-key-reused"
    assert case_count(db) == 1

    # keys belong to their user: the same key from someone else is a new request
    theirs = client.post(
        f"{API}/cases", json=body, headers=world.agent_b.headers | {"Idempotency-Key": "req-123"}
    )
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    # a new key is a new case
    fresh = client.post(
        f"{API}/cases", json=body, headers=world.agent_a.headers | {"Idempotency-Key": "req-124"}
    )
    assert fresh.json()["number"] == 3


def test_a_failed_idempotent_create_is_not_remembered(
    client: TestClient, db: Database, world: World
) -> None:
    h = world.agent_a.headers | {"Idempotency-Key": "k1"}
    problem(client.post(f"{API}/cases", json={"title": "x", "status_id": 999_999}, headers=h), 422)
    assert case_count(db) == 0
    problem(client.post(f"{API}/cases", json={"title": "x", "status_id": 999_999}, headers=h), 422)
    r = client.post(f"{API}/cases", json={"title": "x"}, headers=h)
    assert r.status_code == 201 and r.json()["number"] == 1


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("field", ["colour", "titel", "assignee"])
def test_unknown_body_fields_are_422_naming_them(
    client: TestClient, db: Database, world: World, field: str
) -> None:
    h = world.agent_a.headers
    body = problem(client.post(f"{API}/cases", json={"title": "t", field: 1}, headers=h), 422)
    assert field in body["field"]
    assert case_count(db) == 0
    case = create(client, h)
    body = problem(client.patch(f"{API}/cases/{case['id']}", json={field: 1}, headers=h), 422)
    assert field in body["field"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 99),
        ("number", 7),
        ("version", 5),
        ("created_at", "2026-01-01T00:00:00Z"),
        ("updated_at", "2026-01-01T00:00:00Z"),
        ("reference", "TCK-9"),
        ("merged_into_id", 1),
        ("creator_id", 1),
        ("closed_at", "2026-01-01T00:00:00Z"),
    ],
)
def test_server_owned_fields_cannot_be_written(
    client: TestClient, db: Database, world: World, field: str, value: Any
) -> None:
    h = world.agent_a.headers
    body = problem(client.post(f"{API}/cases", json={"title": "t", field: value}, headers=h), 422)
    assert field in body["field"]
    assert case_count(db) == 0
    case = create(client, h)
    url = f"{API}/cases/{case['id']}"
    body = problem(client.patch(url, json={field: value}, headers=h), 422)
    assert field in body["field"]
    assert client.get(url, headers=h).json() == case


@pytest.mark.parametrize("raw", [b"{", b'{"title": "x",}', b"not json", b'{"title": "\xff"}'])
def test_malformed_json_is_400(client: TestClient, db: Database, world: World, raw: bytes) -> None:
    h = world.agent_a.headers | {"Content-Type": "application/json"}
    problem(client.post(f"{API}/cases", content=raw, headers=h), 400)
    case = create(client, world.agent_a.headers)
    problem(client.patch(f"{API}/cases/{case['id']}", content=raw, headers=h), 400)
    assert case_count(db) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "t", "priority_id": 999_999}, "priority_id"),
        ({"title": "t", "priority_id": 0}, "priority_id"),
        ({"title": "t", "deadline_at": "2026-01-01T10:00:00"}, "deadline_at"),
        ({"title": "t", "assignee_id": 999_999}, "assignee_id"),
        ({"title": "t", "category_id": 999_999}, "category_id"),
        ({"title": "t", "parent_id": 999_999}, "parent_id"),
        ({"title": "t", "origin": "telepathy"}, "origin"),
        ({"title": "t", "tags": [""]}, "tags"),
        ({"title": "t", "status": 5}, "status"),
    ],
)
def test_invalid_create_input_is_422_naming_the_field(
    client: TestClient, db: Database, world: World, body: dict[str, Any], field: str
) -> None:
    r = client.post(f"{API}/cases", json=body, headers=world.agent_a.headers)
    assert field in problem(r, 422)["field"]
    assert case_count(db) == 0


def test_custom_fields_are_validated_by_type(
    client: TestClient, db: Database, world: World
) -> None:
    with db.write() as s:
        for key, ftype, options in (
            ("amount", "number", None),
            ("due", "date", None),
            ("tier", "select", ["gold", "silver"]),
        ):
            s.add(
                CustomFieldDefinition(
                    corporation_id=world.corporation_id,
                    key=key,
                    label=key,
                    type=ftype,
                    options=options,
                )
            )
    h = world.agent_a.headers
    for values, field in (
        ({"amount": "lots"}, "custom_fields.amount"),
        ({"due": "tomorrow"}, "custom_fields.due"),
        ({"tier": "bronze"}, "custom_fields.tier"),
        ({"size": 3}, "custom_fields.size"),
    ):
        r = client.post(f"{API}/cases", json={"title": "t", "custom_fields": values}, headers=h)
        assert problem(r, 422)["field"] == field
    assert case_count(db) == 0

    case = create(client, h, custom_fields={"amount": 12.5, "due": "2026-04-01", "tier": "gold"})
    assert case["custom_fields"] == {"amount": 12.5, "due": "2026-04-01", "tier": "gold"}
    r = client.patch(
        f"{API}/cases/{case['id']}", json={"custom_fields": {"amount": "7"}}, headers=h
    )
    assert r.json()["custom_fields"]["amount"] == 7


# --------------------------------------------------------------------------- authentication


def test_unauthenticated_requests_get_401_with_a_challenge(
    client: TestClient, world: World
) -> None:
    for r in (
        client.get(f"{API}/cases"),
        client.post(f"{API}/cases", json={"title": "t"}),
        client.get(f"{API}/cases/1"),
    ):
        problem(r, 401)
        assert "Bearer" in r.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer cd_not-a-real-token",
        "Bearer ",
        "Token abc",
        "Basic !!!",
        "Basic " + base64.b64encode(b"alice@acme.test:wrong password").decode(),
        "Basic " + base64.b64encode(b"nobody@acme.test:" + PASSWORD.encode()).decode(),
        "Basic " + base64.b64encode(b"no-colon").decode(),
    ],
)
def test_bad_credentials_get_401(client: TestClient, world: World, authorization: str) -> None:
    r = client.get(f"{API}/cases", headers={"Authorization": authorization})
    problem(r, 401)
    assert "WWW-Authenticate" in r.headers


def test_a_revoked_token_stops_working(client: TestClient, db: Database, world: World) -> None:
    token_id, token = create_token(db, world.agent_a.email)
    h = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/cases", headers=h).status_code == 200
    revoke_token(db, world.agent_a.principal, token_id)
    problem(client.get(f"{API}/cases", headers=h), 401)
    assert client.get(f"{API}/cases", headers=world.agent_a.headers).status_code == 200


def test_basic_auth_with_the_password(client: TestClient, world: World) -> None:
    creds = base64.b64encode(f"{world.agent_a.email}:{PASSWORD}".encode()).decode()
    h = {"Authorization": f"Basic {creds}"}
    case = create(client, h, title="via password")
    assert case["creator_id"] == world.agent_a.user_id
    assert client.get(f"{API}/cases/{case['id']}", headers=h).status_code == 200
