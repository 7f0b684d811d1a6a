"""Creates sent at the same time are written in batches, and each request still gets
its own answer: its case with a number in turn, or its own refusal."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.services.cases.schemas import CaseQuery
from casedesk.services.cases.search import search_cases
from casedesk.services.identity.auth import create_token, revoke_token
from casedesk.store.db import Database
from casedesk.store.models import CustomFieldDefinition
from tests.factories import World, make_actor
from tests.support.together import post_together

API = "/api/v1"


def post_all(app: FastAPI, requests: list[Any]) -> list[httpx.Response]:
    return post_together(app, [(f"{API}/cases", body, headers) for body, headers in requests])


def test_creates_sent_together_each_get_their_own_answer(
    app: FastAPI, db: Database, world: World
) -> None:
    make_actor(db, "gone@acme.test", "agent", ["A"], world.corporation_id)
    token_id, revoked = create_token(db, "gone@acme.test")
    revoke_token(db, world.admin.principal, token_id)
    good = world.agent_a.headers
    requests = [({"title": f"case {i}"}, good) for i in range(12)]
    requests[3] = ({"title": "revoked"}, {"Authorization": f"Bearer {revoked}"})
    requests[5] = ({"title": "bad priority", "priority_id": 987_654}, good)
    requests[7] = ({"title": "other group", "group_id": world.group_b}, good)
    requests[9] = ({"title": "no such token"}, {"Authorization": "Bearer cd_nothing"})

    answers = post_all(app, requests)

    statuses = [r.status_code for r in answers]
    assert statuses == [201, 201, 201, 401, 201, 422, 201, 422, 201, 401, 201, 201]
    assert answers[5].json()["field"] == "priority_id"
    assert answers[7].json()["field"] == "group_id"
    made = [r.json() for r in answers if r.status_code == 201]
    assert [c["title"] for c in made] == [
        body["title"]
        for (body, _), r in zip(requests, answers, strict=True)
        if r.status_code == 201
    ]
    numbers = sorted(c["number"] for c in made)
    assert numbers == list(range(1, len(made) + 1))
    for r in answers:
        if r.status_code == 201:
            case = r.json()
            assert r.headers["location"] == f"{API}/cases/{case['id']}"
            assert r.headers["etag"] == f'"{case["id"]}-{case["version"]}"'
    stored = search_cases(db, world.admin.principal, CaseQuery(limit=100)).items
    assert sorted((c.number, c.title) for c in stored) == sorted(
        (c["number"], c["title"]) for c in made
    )


def test_an_app_served_by_two_event_loops_at_once_answers_on_each(
    app: FastAPI, db: Database, world: World
) -> None:
    """E.g. a live server thread beside a test client: each loop batches its own."""
    requests = [({"title": f"case {i}"}, world.agent_a.headers) for i in range(8)]
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def serve() -> None:
        start.wait()
        answers.extend(post_all(app, requests))

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:  # a loop waiting for an answer set from the other would hang
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert [r.status_code for r in answers] == [201] * 16
    assert sorted(r.json()["number"] for r in answers) == list(range(1, 17))


def test_a_create_failing_late_is_answered_alone_beside_a_refused_caller(
    app: FastAPI, db: Database, world: World
) -> None:
    with db.write() as s:
        s.add(
            CustomFieldDefinition(
                corporation_id=world.corporation_id, key="amount", label="Amount", type="number"
            )
        )
    requests = [
        ({"title": "no such token"}, {"Authorization": "Bearer cd_nothing"}),
        ({"title": "bad amount", "custom_fields": {"amount": "lots"}}, world.agent_a.headers),
        ({"title": "fine", "custom_fields": {"amount": 2}}, world.agent_a.headers),
    ]
    answers = post_all(app, requests)
    assert [r.status_code for r in answers] == [401, 422, 201]
    assert answers[1].json()["field"] == "custom_fields.amount"
    assert answers[2].json()["number"] == 1

    answers = post_all(app, requests[:2])
    assert [r.status_code for r in answers] == [401, 422]
