"""Data segregation over HTTP: an agent never learns that a case of another group
exists (every case route answers exactly as for a missing id), admins see everything,
and missing permissions give 403 only on cases the caller can see."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from casedesk.store.db import Database
from tests.factories import Actor, World, make_actor

API = "/api/v1"
MISSING = 987_654


def create(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("title", "Payroll export fails")
    r = client.post(f"{API}/cases", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def shape(r: Response, case_id: int) -> tuple[int, str, dict[str, Any]]:
    """Status, content type and body with ``case_id`` written as a placeholder."""
    body = r.json()
    if isinstance(body.get("detail"), str):
        body["detail"] = body["detail"].replace(str(case_id), "{id}")
    if body.get("case_id") == case_id:
        body["case_id"] = "{id}"
    return r.status_code, r.headers["content-type"], body


@pytest.fixture
def cases_ab(client: TestClient, world: World) -> tuple[int, int]:
    """A case of group A and one of group B."""
    a = create(client, world.agent_a, title="Printer in office A", tags=["shared"])
    b = create(
        client,
        world.agent_b,
        title="Secret project B",
        tags=["shared"],
        assignee_id=world.agent_b.user_id,
    )
    assert (a["group_id"], b["group_id"]) == (world.group_a, world.group_b)
    client.post(
        f"{API}/cases/{b['id']}/messages",
        json={"body_text": "confidential"},
        headers=world.agent_b.headers,
    )
    r = client.post(
        f"{API}/cases/{b['id']}/time-entries",
        json={"duration_seconds": 3600, "hourly_rate": "120"},
        headers=world.agent_b.headers,
    )
    assert r.status_code == 201 and r.json()["id"] == 1, r.text
    return a["id"], b["id"]


def case_routes(
    world: World, other: int, message_id: int
) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every route on one case: (method, path below /cases/{id}, JSON body).
    ``message_id`` is a message of the hidden case."""
    uid = world.agent_b.user_id
    return [
        ("GET", "", None),
        ("PATCH", "", {"title": "mine now"}),
        ("PATCH", "", {"status": 2}),
        ("DELETE", "", None),
        ("POST", "/merge", {"into_case_id": other}),
        ("GET", "/messages", None),
        ("POST", "/messages", {"body_text": "hello"}),
        ("POST", "/messages", {"direction": "inbound", "body_text": "hello"}),
        ("POST", f"/messages/{message_id}/split", {"title": "mine now"}),
        ("GET", "/members", None),
        ("POST", "/members", {"role": 2, "user_id": uid}),
        ("DELETE", f"/members/1/{uid}", None),
        ("GET", "/tags", None),
        ("PUT", "/tags/leaked", None),
        ("DELETE", "/tags/shared", None),
        ("GET", "/links", None),
        ("POST", "/links", {"kind": "related", "case_id": other}),
        ("DELETE", f"/links/related/{other}", None),
        ("GET", "/history", None),
        ("GET", "/time-entries", None),
        ("POST", "/time-entries", {"duration_seconds": 600, "hourly_rate": "90"}),
        ("PATCH", "/time-entries/1", {"note": "mine now"}),
        ("DELETE", "/time-entries/1", None),
        ("GET", "/time-totals", None),
        ("GET", "/times", None),
        ("POST", "/read", None),
    ]


def first_message(client: TestClient, world: World, theirs: int) -> int:
    r = client.get(f"{API}/cases/{theirs}/messages", headers=world.agent_b.headers)
    message_id: int = r.json()[0]["id"]
    return message_id


def call(
    client: TestClient,
    actor: Actor,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str] | None = None,
) -> Response:
    r: Response = client.request(
        method, f"{API}/cases{path}", json=body, headers=actor.headers | (headers or {})
    )
    return r


ROUTE_IDS = [
    "get",
    "patch",
    "close",
    "delete",
    "merge",
    "messages",
    "add message",
    "inbound message",
    "split message",
    "members",
    "add member",
    "end member",
    "tags",
    "add tag",
    "remove tag",
    "links",
    "add link",
    "remove link",
    "history",
    "time entries",
    "add time entry",
    "change time entry",
    "delete time entry",
    "time totals",
    "times",
    "read",
]


@pytest.mark.parametrize("route", range(len(ROUTE_IDS)), ids=ROUTE_IDS)
def test_a_case_of_another_group_answers_like_a_missing_one(
    client: TestClient, db: Database, world: World, cases_ab: tuple[int, int], route: int
) -> None:
    mine, theirs = cases_ab
    method, path, body = case_routes(world, mine, first_message(client, world, theirs))[route]
    before = client.get(f"{API}/cases/{theirs}", headers=world.agent_b.headers).json()
    before_parts = [
        client.get(f"{API}/cases/{theirs}{p}", headers=world.agent_b.headers).json()
        for p in ("/messages", "/links", "/history", "/time-entries")
    ]

    hidden = call(client, world.agent_a, method, f"/{theirs}{path}", body)
    missing = call(client, world.agent_a, method, f"/{MISSING}{path}", body)

    assert hidden.status_code == 404, hidden.text
    assert shape(hidden, theirs) == shape(missing, MISSING)
    # nothing changed behind the 404
    assert client.get(f"{API}/cases/{theirs}", headers=world.agent_b.headers).json() == before
    assert [
        client.get(f"{API}/cases/{theirs}{p}", headers=world.agent_b.headers).json()
        for p in ("/messages", "/links", "/history", "/time-entries")
    ] == before_parts


@pytest.mark.parametrize("route", range(len(ROUTE_IDS)), ids=ROUTE_IDS)
def test_visibility_is_checked_before_permissions(
    client: TestClient, db: Database, world: World, cases_ab: tuple[int, int], route: int
) -> None:
    """A viewer gets 403 where it may look but not touch; on a hidden case still 404."""
    mine, theirs = cases_ab
    also_mine = create(client, world.agent_a)["id"]
    viewer = make_actor(
        db, "viewer@acme.test", "agent", ["A"], world.corporation_id, permissions=["view_case"]
    )
    message_id = first_message(client, world, theirs)
    method, path, body = case_routes(world, also_mine, message_id)[route]
    hidden = call(client, viewer, method, f"/{theirs}{path}", body)
    assert hidden.status_code == 404, hidden.text
    assert shape(hidden, theirs) == shape(
        call(client, viewer, method, f"/{MISSING}{path}", body), MISSING
    )

    visible = call(client, viewer, method, f"/{mine}{path}", body)
    expected = 200 if method == "GET" else 403
    if path == "/read":  # noting that one has read a case needs only sight of it
        expected = 204
    assert visible.status_code == expected, visible.text
    if expected == 403:
        problem = visible.json()
        assert problem["code"] == "forbidden"
        assert problem["permission"] in {"edit_case", "close_case", "delete_case", "add_note"}


def test_an_if_match_does_not_turn_a_hidden_case_into_412(
    client: TestClient, world: World, cases_ab: tuple[int, int]
) -> None:
    _, theirs = cases_ab
    r = call(
        client, world.agent_a, "PATCH", f"/{theirs}", {"title": "x"}, {"If-Match": f'"{theirs}-99"'}
    )
    assert r.status_code == 404


def test_search_and_count_do_not_list_other_groups(
    client: TestClient, world: World, cases_ab: tuple[int, int]
) -> None:
    mine, theirs = cases_ab

    def listed(actor: Actor, query: str = "") -> set[int]:
        r = client.get(f"{API}/cases?limit=200&include_deleted=true&{query}", headers=actor.headers)
        assert r.status_code == 200, r.text
        return {c["id"] for c in r.json()["items"]}

    def counted(actor: Actor, query: str = "") -> int:
        r = client.get(f"{API}/cases/count?include_deleted=true&{query}", headers=actor.headers)
        assert r.status_code == 200, r.text
        n: int = r.json()["count"]
        return n

    for query in (
        "",
        "tag=shared",
        f"group_id={world.group_b}",
        "q=secret",
        "q=confidential",
        f"assignee_id={world.agent_b.user_id}",
        "status=1",
    ):
        assert theirs not in listed(world.agent_a, query), query
        assert counted(world.agent_a, query) == len(listed(world.agent_a, query)), query
    assert listed(world.agent_a) == {mine} and counted(world.agent_a) == 1
    assert listed(world.agent_b) == {theirs} and counted(world.agent_b) == 1
    assert listed(world.admin) == {mine, theirs} and counted(world.admin) == 2
    assert listed(world.admin, "q=confidential") == {theirs}


def test_admin_sees_and_changes_every_group(
    client: TestClient, world: World, cases_ab: tuple[int, int]
) -> None:
    mine, theirs = cases_ab
    h = world.admin.headers
    for case_id in (mine, theirs):
        assert client.get(f"{API}/cases/{case_id}", headers=h).status_code == 200
        for part in ("messages", "members", "tags", "links", "history"):
            assert client.get(f"{API}/cases/{case_id}/{part}", headers=h).status_code == 200
    r = client.patch(f"{API}/cases/{theirs}", json={"title": "seen by admin"}, headers=h)
    assert r.status_code == 200
    r = client.post(
        f"{API}/cases/{mine}/links", json={"kind": "related", "case_id": theirs}, headers=h
    )
    assert r.status_code == 201
    assert r.json()["related"] == [theirs]
    # the agent of A still does not see the related case of B through the link
    links = client.get(f"{API}/cases/{mine}/links", headers=world.agent_a.headers).json()
    assert links["related"] == []


@pytest.mark.parametrize(
    ("route", "field"),
    [
        (("POST", "/links", {"kind": "related", "case_id": "{other}"}), "case_id"),
        (("POST", "/links", {"kind": "parent", "case_id": "{other}"}), "case_id"),
        (("POST", "/links", {"kind": "child", "case_id": "{other}"}), "case_id"),
        (("POST", "/merge", {"into_case_id": "{other}"}), "into_case_id"),
        (("PATCH", "", {"parent_id": "{other}"}), "parent_id"),
    ],
)
def test_pointing_at_a_hidden_case_is_like_pointing_at_a_missing_one(
    client: TestClient,
    world: World,
    cases_ab: tuple[int, int],
    route: tuple[str, str, dict[str, Any]],
    field: str,
) -> None:
    mine, theirs = cases_ab
    method, path, template = route

    def body(other: int) -> dict[str, Any]:
        return {k: other if v == "{other}" else v for k, v in template.items()}

    hidden = call(client, world.agent_a, method, f"/{mine}{path}", body(theirs))
    missing = call(client, world.agent_a, method, f"/{mine}{path}", body(MISSING))
    assert hidden.status_code == 422, hidden.text
    assert hidden.json()["field"] == field
    assert shape(hidden, theirs) == shape(missing, MISSING)


def test_agent_cannot_create_into_or_move_to_another_group(
    client: TestClient, world: World, cases_ab: tuple[int, int]
) -> None:
    mine, _ = cases_ab
    h = world.agent_a.headers
    r = client.post(f"{API}/cases", json={"title": "t", "group_id": world.group_b}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "group_id"
    missing = client.post(f"{API}/cases", json={"title": "t", "group_id": MISSING}, headers=h)
    assert shape(r, world.group_b) == shape(missing, MISSING)

    before = client.get(f"{API}/cases/{mine}", headers=h).json()
    r = client.patch(f"{API}/cases/{mine}", json={"group_id": world.group_b}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "group_id"
    assert client.get(f"{API}/cases/{mine}", headers=h).json() == before

    # within their own groups they may choose
    assert create(client, world.agent_a, group_id=world.group_a)["group_id"] == world.group_a
    # an admin may move it; the agent then loses sight of it
    r = client.patch(
        f"{API}/cases/{mine}", json={"group_id": world.group_b}, headers=world.admin.headers
    )
    assert r.status_code == 200
    assert client.get(f"{API}/cases/{mine}", headers=h).status_code == 404
    assert client.get(f"{API}/cases/{mine}", headers=world.agent_b.headers).status_code == 200


def test_missing_permissions_give_403_on_visible_cases(
    client: TestClient, db: Database, world: World, cases_ab: tuple[int, int]
) -> None:
    mine, _ = cases_ab
    url = f"{API}/cases/{mine}"
    editor = make_actor(
        db,
        "editor@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "edit_case"],
    )
    r = client.patch(url, json={"status": 2}, headers=editor.headers)
    assert r.status_code == 403 and r.json()["permission"] == "close_case"
    assert client.delete(url, headers=editor.headers).status_code == 403
    assert client.patch(url, json={"title": "edited"}, headers=editor.headers).status_code == 200
    r = client.post(f"{API}/cases", json={"title": "t"}, headers=editor.headers)
    assert r.status_code == 403 and r.json()["permission"] == "create_case"
    keyed = editor.headers | {"Idempotency-Key": "no-create-right"}
    r = client.post(f"{API}/cases", json={"title": "t"}, headers=keyed)
    assert r.status_code == 403 and r.json()["permission"] == "create_case"

    deleter = make_actor(
        db,
        "deleter@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "delete_case"],
    )
    r = client.delete(url, headers=deleter.headers)
    assert r.status_code == 200 and r.json()["status"] == 4

    nobody = make_actor(
        db, "nobody@acme.test", "agent", ["A"], world.corporation_id, permissions=[]
    )
    assert client.get(url, headers=nobody.headers).status_code == 403
    assert client.get(f"{API}/cases", headers=nobody.headers).status_code == 403


def test_a_case_view_does_not_reveal_a_hidden_parent_or_merge_target(
    client: TestClient, world: World, cases_ab: tuple[int, int]
) -> None:
    a, b = cases_ab
    other_a = create(client, world.agent_a, group_id=world.group_a)["id"]
    # An admin, who sees both groups, hangs A's case under B's and merges another into B's.
    r = client.patch(f"{API}/cases/{a}", json={"parent_id": b}, headers=world.admin.headers)
    assert r.status_code == 200, r.text
    r = client.post(
        f"{API}/cases/{other_a}/merge", json={"into_case_id": b}, headers=world.admin.headers
    )
    assert r.status_code == 200, r.text

    for case_id, field in ((a, "parent_id"), (other_a, "merged_into_id")):
        agent_view = client.get(f"{API}/cases/{case_id}", headers=world.agent_a.headers).json()
        admin_view = client.get(f"{API}/cases/{case_id}", headers=world.admin.headers).json()
        assert admin_view[field] == b
        assert agent_view[field] is None
    listed = client.get(f"{API}/cases", headers=world.agent_a.headers).json()["items"]
    assert {c["id"]: c["parent_id"] for c in listed}[a] is None
    links = client.get(f"{API}/cases/{a}/links", headers=world.agent_a.headers).json()
    assert links["parent_id"] is None
