"""Assignment by the category's rules over HTTP: the rules of a category, and cases
created or updated with ``auto_assign``."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from tests.factories import Actor, World, make_actor

API = "/api/v1"


@pytest.fixture
def team(db: Database, world: World) -> list[Actor]:
    """Three agents of group A, in the order of their ids."""
    return [
        make_actor(db, f"{name}@acme.test", "agent", ["A"], world.corporation_id)
        for name in ("carol", "dave", "erin")
    ]


def category(client: TestClient, world: World, strategy: str | None, agents: list[int]) -> int:
    r = client.post(f"{API}/categories", json={"name": "Hardware"}, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    cid: int = r.json()["id"]
    r = client.put(
        f"{API}/categories/{cid}/assignment",
        json={"strategy": strategy, "agent_ids": agents},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    return cid


def create(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("title", "Laptop will not boot")
    r = client.post(f"{API}/cases", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def auto(client: TestClient, world: World, cid: int) -> int | None:
    case = create(client, world.agent_a, category_id=cid, auto_assign=True)
    assignee: int | None = case["assignee_id"]
    return assignee


def last_audit(client: TestClient, world: World, case_id: int) -> dict[str, Any]:
    r = client.get(f"{API}/cases/{case_id}/history", headers=world.admin.headers)
    entry: dict[str, Any] = r.json()["audit"][-1]
    return entry


def test_the_rules_of_a_category_are_read_and_replaced(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    ids = [a.user_id for a in team]
    cid = category(client, world, "round_robin", [ids[2], ids[0], ids[2]])
    r = client.get(f"{API}/categories/{cid}/assignment", headers=world.agent_a.headers)
    assert r.json() == {
        "category_id": cid,
        "strategy": "round_robin",
        "agent_ids": sorted({ids[0], ids[2]}),
        "last_assigned_user_id": None,
    }
    r = client.put(
        f"{API}/categories/{cid}/assignment",
        json={"strategy": None, "agent_ids": []},
        headers=world.admin.headers,
    )
    assert r.json()["strategy"] is None and r.json()["agent_ids"] == []


@pytest.mark.parametrize("bad", ["missing", "inactive", "other corporation"])
def test_agents_must_be_active_users_of_the_corporation(
    client: TestClient, db: Database, world: World, team: list[Actor], bad: str
) -> None:
    cid = category(client, world, None, [])
    if bad == "missing":
        uid = 987_654
    elif bad == "inactive":
        uid = team[0].user_id
        r = client.patch(
            f"{API}/users/{uid}", json={"is_active": False}, headers=world.admin.headers
        )
        assert r.status_code == 200, r.text
    else:
        with db.write() as s:
            other = create_corporation(s, "Other").id
        uid = make_actor(db, "x@other.test", "agent", [], other).user_id
    r = client.put(
        f"{API}/categories/{cid}/assignment",
        json={"strategy": "round_robin", "agent_ids": [team[1].user_id, uid]},
        headers=world.admin.headers,
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "agent_ids"
    r = client.get(f"{API}/categories/{cid}/assignment", headers=world.admin.headers)
    assert r.json()["agent_ids"] == []


def test_only_managers_set_rules_and_unknown_categories_are_404(
    client: TestClient, world: World
) -> None:
    cid = category(client, world, None, [])
    body = {"strategy": "least_open", "agent_ids": [world.agent_a.user_id]}
    r = client.put(f"{API}/categories/{cid}/assignment", json=body, headers=world.agent_a.headers)
    assert r.status_code == 403
    r = client.put(f"{API}/categories/987654/assignment", json=body, headers=world.admin.headers)
    assert r.status_code == 404
    body["strategy"] = "alphabetical"
    r = client.put(f"{API}/categories/{cid}/assignment", json=body, headers=world.admin.headers)
    assert r.status_code == 422 and r.json()["field"].endswith("strategy")


def test_round_robin_cycles_over_the_agents(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    ids = [a.user_id for a in team]
    cid = category(client, world, "round_robin", ids)

    assert [auto(client, world, cid) for _ in range(5)] == [*ids, *ids[:2]]
    rules = client.get(f"{API}/categories/{cid}/assignment", headers=world.admin.headers).json()
    assert rules["last_assigned_user_id"] == ids[1]


def test_a_case_assigned_by_the_rules_is_in_the_agents_list(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    ids = [a.user_id for a in team]
    cid = category(client, world, "round_robin", ids)
    picked = auto(client, world, cid)
    assert picked == ids[0]

    for uid, expected in ((ids[0], 1), (ids[1], 0)):
        params = {"assignee_id": uid}
        r = client.get(f"{API}/cases", params=params, headers=world.admin.headers)
        assert [c["assignee_id"] for c in r.json()["items"]] == [uid] * expected


def test_least_open_picks_the_least_loaded(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    ids = [a.user_id for a in team]
    for uid, n in ((ids[0], 2), (ids[1], 0), (ids[2], 1)):
        for _ in range(n):
            create(client, world.admin, group_id=world.group_a, assignee_id=uid)
    closed = create(client, world.admin, group_id=world.group_a, assignee_id=ids[1], status=2)
    assert closed["status"] == 2  # a closed case is no load
    cid = category(client, world, "least_open", ids)

    assert auto(client, world, cid) == ids[1]  # 0 open
    # now ids[1] and ids[2] have one each; ids[2] was assigned longer ago (never by rules)
    assert auto(client, world, cid) == ids[2]
    assert auto(client, world, cid) == ids[1]


def test_an_agent_who_cannot_see_the_group_is_passed_over(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    cid = category(client, world, "round_robin", [world.agent_b.user_id, team[0].user_id])
    assert [auto(client, world, cid) for _ in range(3)] == [team[0].user_id] * 3

    only_b = category_named(client, world, "Network", [world.agent_b.user_id])
    case = create(client, world.agent_a, category_id=only_b, auto_assign=True)
    assert case["assignee_id"] is None
    entry = last_audit(client, world, case["id"])
    assert entry["action"] == "case.created"
    reason = entry["changes"]["auto_assign"]["to"]["reason"]
    assert f"group {world.group_a}" in reason


def category_named(client: TestClient, world: World, name: str, agents: list[int]) -> int:
    r = client.post(f"{API}/categories", json={"name": name}, headers=world.admin.headers)
    cid: int = r.json()["id"]
    client.put(
        f"{API}/categories/{cid}/assignment",
        json={"strategy": "round_robin", "agent_ids": agents},
        headers=world.admin.headers,
    )
    return cid


def test_an_update_can_ask_for_assignment_and_says_why_when_nobody_is_picked(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    cid = category(client, world, "least_open", [team[0].user_id])
    case = create(client, world.agent_a)
    h = world.agent_a.headers

    r = client.patch(f"{API}/cases/{case['id']}", json={"auto_assign": True}, headers=h)
    assert r.status_code == 200 and r.json()["assignee_id"] is None
    assert last_audit(client, world, case["id"])["changes"]["auto_assign"]["to"] == {
        "assignee_id": None,
        "reason": "the case has no category",
    }

    r = client.patch(
        f"{API}/cases/{case['id']}", json={"category_id": cid, "auto_assign": True}, headers=h
    )
    assert r.status_code == 200 and r.json()["assignee_id"] == team[0].user_id

    r = client.patch(
        f"{API}/cases/{case['id']}",
        json={"auto_assign": True, "assignee_id": team[1].user_id},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["field"] == "auto_assign"


def test_a_category_without_strategy_leaves_the_case_unassigned(
    client: TestClient, world: World, team: list[Actor]
) -> None:
    cid = category(client, world, None, [team[0].user_id])
    case = create(client, world.agent_a, category_id=cid, auto_assign=True)
    assert case["assignee_id"] is None
    reason = last_audit(client, world, case["id"])["changes"]["auto_assign"]["to"]["reason"]
    assert reason == f"category {cid} has no assignment strategy"


def test_concurrent_creates_keep_the_rotation(
    client: TestClient, db: Database, world: World, team: list[Actor]
) -> None:
    ids = [a.user_id for a in team[:2]]
    cid = category(client, world, "round_robin", ids)
    threads_n, per_thread = 4, 5
    start = threading.Barrier(threads_n)
    picked: list[int | None] = []

    def run() -> None:
        start.wait()
        for _ in range(per_thread):
            out = cases.open_case(
                db,
                world.agent_a.principal,
                CaseCreate(title="Rush hour", category_id=cid, auto_assign=True),
            )
            picked.append(out.assignee_id)

    threads = [threading.Thread(target=run) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    total = threads_n * per_thread
    assert Counter(picked) == {ids[0]: total // 2, ids[1]: total // 2}
    # In creation order the turns alternate, as if the cases had come one by one.
    r = client.get(
        f"{API}/cases?category_id={cid}&sort=number&limit=200", headers=world.admin.headers
    )
    in_order = [c["assignee_id"] for c in r.json()["items"]]
    assert in_order == [ids[n % 2] for n in range(total)]
