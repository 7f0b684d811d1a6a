"""The native API reads a body only for a caller it knows, bounds what it parses, and
holds input to its declared types: no coercion of ``0`` into ``false`` or ``"2"`` into
``2``, date-times only as ISO 8601.

Each request is sent both to the app as served (where the hot routes answer the
busiest requests) and to the app with every request left to FastAPI's routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database
from tests.factories import World, make_case

API = "/api/v1"
PROBLEM = "application/problem+json"
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture(params=["hot", "plain"])
def api(request: pytest.FixtureRequest, settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db, hot_routes=request.param == "hot")) as c:
        yield c


def _post(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        API + path, content=body, headers={**headers, "Content-Type": "application/json"}
    )


# ---------------------------------------------------------------- credentials first


@pytest.mark.parametrize(
    "body", [b"{not json", DEEP_JSON, b'{"title": 5}'], ids=["malformed", "deep", "invalid"]
)
@pytest.mark.parametrize("path", ["/cases", "/cases/1/messages", "/priorities"])
def test_a_caller_without_credentials_is_refused_before_the_body_is_read(
    api: TestClient, world: World, body: bytes, path: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        r = _post(api, path, body, headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.headers["content-type"] == PROBLEM


# ---------------------------------------------------------------- bounded JSON


def test_json_nested_deeper_than_the_cap_is_a_400(api: TestClient, world: World) -> None:
    for path in ("/cases", "/priorities"):
        r = _post(api, path, DEEP_JSON, world.admin.headers)
        assert r.status_code == 400, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "malformed-body"
    # a deep value where the shape allows any JSON (custom field values, say)
    nested = b'{"title": "t", "custom_fields": {"k": ' + b"[" * 40 + b"]" * 40 + b"}}"
    r = _post(api, "/cases", nested, world.admin.headers)
    assert r.status_code == 400 and r.json()["code"] == "malformed-body", r.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "t", "custom_fields": {"n": 1180591620717411303424}}',  # 2**70
        b'{"title": "t", "custom_fields": {"n": -9223372036854775809}}',  # below int64
        b'{"title": "t", "custom_fields": {"n": 1e999}}',
        b'{"title": "t", "custom_fields": {"n": NaN}}',
        b'{"title": "t", "priority_id": 1180591620717411303424}',
    ],
)
def test_numbers_out_of_range_are_a_400(api: TestClient, world: World, body: bytes) -> None:
    r = _post(api, "/cases", body, world.admin.headers)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "malformed-body"
    assert api.get(f"{API}/cases", headers=world.admin.headers).json()["items"] == []


# ---------------------------------------------------------------- strict types


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("auto_assign", 0),
        ("auto_assign", "true"),
        ("priority_id", "2"),
        ("priority_id", 2.0),
        ("parent_id", True),
        ("title", 5),
        ("tags", ["ok", 7]),
        ("deadline_at", 0.5),
        ("deadline_at", "0.5"),
        ("deadline_at", "1700000000"),
    ],
)
def test_a_case_body_of_the_wrong_type_is_a_422_naming_the_field(
    api: TestClient, world: World, field: str, value: Any
) -> None:
    body = {"title": "a case", field: value}
    r = api.post(f"{API}/cases", json=body, headers=world.admin.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["field"].startswith(f"body.{field}")
    assert api.get(f"{API}/cases", headers=world.admin.headers).json()["items"] == []


def test_a_patch_of_the_wrong_type_is_a_422(api: TestClient, db: Database, world: World) -> None:
    case = make_case(db, world.admin)
    for body in ({"parent_id": True}, {"status": "2"}, {"on_hold_until": 1}):
        r = api.patch(f"{API}/cases/{case.id}", json=body, headers=world.admin.headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == f"body.{next(iter(body))}"


def test_reference_bodies_are_strict_too(api: TestClient, world: World) -> None:
    r = api.post(
        f"{API}/priorities", json={"name": "P", "is_default": 0}, headers=world.admin.headers
    )
    assert r.status_code == 422 and r.json()["field"] == "body.is_default", r.text
    r = api.post(f"{API}/priorities", json={"name": 5}, headers=world.admin.headers)
    assert r.status_code == 422 and r.json()["field"] == "body.name", r.text


def test_well_typed_bodies_are_taken(api: TestClient, world: World) -> None:
    body = {
        "title": "typed",
        "auto_assign": False,
        "deadline_at": "2030-05-01T09:00:00Z",
        "occurred_at": "2030-04-30T09:00:00+02:00",
        "tags": ["a"],
    }
    r = api.post(f"{API}/cases", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    assert r.json()["deadline_at"].startswith("2030-05-01T09:00:00")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("updated_before=0.5", "query.updated_before"),
        ("created_after=1700000000", "query.created_after"),
        ("assignee_id=2_0", "query.assignee_id"),
        ("priority_id=1.0", "query.priority_id"),
        ("status=%201", "query.status"),
    ],
)
def test_query_parameters_of_the_wrong_type_are_a_422(
    api: TestClient, world: World, query: str, field: str
) -> None:
    for path in ("/cases", "/cases/count"):
        r = api.get(f"{API}{path}?{query}", headers=world.admin.headers)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["field"] == field


def test_well_typed_query_parameters_are_taken(api: TestClient, world: World) -> None:
    q = "updated_before=2030-01-01T00:00:00Z&created_after=2020-01-01T00:00:00%2B02:00"
    q += "&limit=20&priority_id=1"
    r = api.get(f"{API}/cases?{q}", headers=world.admin.headers)
    assert r.status_code == 200, r.text


def test_a_limit_must_be_an_integer(api: TestClient, world: World) -> None:
    for limit in ("2.0", "2_0", "+2"):
        r = api.get(f"{API}/cases?limit={limit}", headers=world.admin.headers)
        assert r.status_code == 422 and r.json()["field"] == "query.limit", r.text


def test_a_bad_query_from_a_caller_without_credentials_is_a_401(api: TestClient) -> None:
    r = api.get(f"{API}/cases?limit=2.0")
    assert r.status_code == 401


def test_a_body_without_a_content_type_is_bounded_too(api: TestClient, world: World) -> None:
    for body in (DEEP_JSON, b'{"title": "t", "custom_fields": {"n": 1180591620717411303424}}'):
        r = api.post(f"{API}/cases", content=body, headers=world.admin.headers)
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "malformed-body"


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/canned-responses", "name_prefix=a&name_prefix=b", "query.name_prefix"),
        ("/contacts", "q=a&q=b", "query.q"),
        ("/notifications", "limit=5&limit=6", "query.limit"),
    ],
)
def test_a_parameter_that_takes_one_value_given_twice_is_a_422(
    api: TestClient, world: World, path: str, query: str, field: str
) -> None:
    r = api.get(f"{API}{path}?{query}", headers=world.admin.headers)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    once = api.get(f"{API}{path}?{query.split('&')[0]}", headers=world.admin.headers)
    assert once.status_code == 200, once.text


def test_a_parameter_that_takes_several_values_may_be_repeated(
    api: TestClient, world: World
) -> None:
    for path in ("/cases", "/cases/count", "/exports/cases?format=csv&columns=title,status&"):
        sep = "" if path.endswith("&") else "?"
        r = api.get(f"{API}{path}{sep}status=1&status=3", headers=world.admin.headers)
        assert r.status_code == 200, (path, r.text)
