"""Messages sent at the same time are written in batches, and each request still gets
its own answer, as if it had been written alone: its message, or its own refusal; the
rules run for each message."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from casedesk.services.identity.auth import create_token, revoke_token
from casedesk.services.rules.definitions import RuleIn, create_rule
from casedesk.store.db import Database
from casedesk.store.models import CaseMessage, CaseTag, Tag
from tests.factories import World, make_actor, make_case
from tests.support.together import post_together

API = "/api/v1"


def post_all(app: FastAPI, requests: list[Any]) -> list[httpx.Response]:
    return post_together(
        app,
        [(f"{API}/cases/{case_id}/messages", body, headers) for case_id, body, headers in requests],
    )


def _messages(db: Database) -> list[tuple[int, str]]:
    with db.read() as s:
        rows = s.execute(
            select(CaseMessage.case_id, CaseMessage.body_text).order_by(CaseMessage.id)
        ).all()
        return [(case_id, body) for case_id, body in rows]


def test_messages_sent_together_each_get_their_own_answer(
    app: FastAPI, db: Database, world: World
) -> None:
    make_actor(db, "gone@acme.test", "agent", ["A"], world.corporation_id)
    token_id, revoked = create_token(db, "gone@acme.test")
    revoke_token(db, world.admin.principal, token_id)
    mine = [make_case(db, world.admin, group_id=world.group_a).id for _ in range(3)]
    theirs = make_case(db, world.admin, group_id=world.group_b).id
    before = _messages(db)
    good = world.agent_a.headers
    requests = [(mine[i % 3], {"body_text": f"note {i}"}, good) for i in range(12)]
    requests[2] = (mine[0], {"body_text": "revoked"}, {"Authorization": f"Bearer {revoked}"})
    requests[4] = (theirs, {"body_text": "other group"}, good)
    requests[6] = (mine[1], {"body_text": "no such token"}, {"Authorization": "Bearer cd_no"})
    requests[8] = (987_654, {"body_text": "no such case"}, good)

    answers = post_all(app, requests)

    statuses = [r.status_code for r in answers]
    assert statuses == [201, 201, 401, 201, 404, 201, 401, 201, 404, 201, 201, 201]
    added = [
        (case_id, body["body_text"])
        for (case_id, body, _), r in zip(requests, answers, strict=True)
        if r.status_code == 201
    ]
    assert [(r.json()["case_id"], r.json()["body_text"]) for r in answers if r.is_success] == added
    assert "ratelimit" in {k.lower() for k in answers[4].headers}
    stored = _messages(db)[len(before) :]
    assert sorted(stored) == sorted(added)
    for case_id in mine:  # the messages of one case keep the order they were sent in
        assert [b for c, b in stored if c == case_id] == [b for c, b in added if c == case_id]


def test_the_rules_run_for_each_message_of_a_batch(
    app: FastAPI, db: Database, world: World
) -> None:
    create_rule(
        db,
        world.admin.principal,
        "trigger",
        RuleIn(
            name="urgent notes",
            events=["message_added"],
            conditions={"all": [{"field": "message.text", "op": "contains", "value": "urgent"}]},
            actions=[{"type": "add_tags", "tags": ["urgent"]}],
        ),
    )
    cases = [make_case(db, world.admin, group_id=world.group_a).id for _ in range(6)]
    good = world.agent_a.headers
    requests = [
        (case_id, {"body_text": "urgent: printer on fire" if i % 2 else "all fine"}, good)
        for i, case_id in enumerate(cases)
    ]

    answers = post_all(app, requests)

    assert [r.status_code for r in answers] == [201] * 6
    with db.read() as s:
        tagged = set(
            s.scalars(
                select(CaseTag.case_id)
                .join(Tag, Tag.id == CaseTag.tag_id)
                .where(Tag.name == "urgent")
            )
        )
    assert tagged == {case_id for i, case_id in enumerate(cases) if i % 2}
