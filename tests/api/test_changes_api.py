"""GET /api/v1/changes over HTTP, and `casedesk export changes`."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from casedesk.cli import app as cli
from casedesk.services.cases.messages import add_message
from casedesk.services.cases.schemas import MessageCreate
from casedesk.store.db import Database
from tests.factories import World, make_case


def test_feed_pages_by_cursor_and_hides_other_groups(
    client: TestClient, db: Database, world: World
) -> None:
    seen_a = make_case(db, world.agent_a, group_id=world.group_a)
    add_message(db, world.agent_a.principal, seen_a.id, MessageCreate(body_text="hi"))
    make_case(db, world.agent_b, group_id=world.group_b)

    got: list[dict[str, object]] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 1}
        if cursor:
            params["cursor"] = cursor
        r = client.get("/api/v1/changes", params=params, headers=world.agent_a.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        got += body["changes"]
        cursor = body["next_cursor"]
        if not body["more"]:
            break
    assert {c["case_id"] for c in got} == {seen_a.id}
    assert len(got) >= 2
    assert len({c["id"] for c in got}) == len(got)
    again = client.get("/api/v1/changes", params={"cursor": cursor}, headers=world.agent_a.headers)
    assert again.json()["changes"] == []


def test_bad_cursor_limit_and_wait_are_422(client: TestClient, world: World) -> None:
    for params in ({"cursor": "nope"}, {"limit": 0}, {"limit": 1001}, {"wait": 31}):
        r = client.get("/api/v1/changes", params=params, headers=world.admin.headers)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/changes").status_code == 401


def test_export_changes_prints_json_lines(db: Database, world: World, tmp_path: Path) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    env = {"CASEDESK_DATABASE_URL": db.url, "CASEDESK_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["export", "changes"], env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["action"] for line in lines] == ["case.created"]
    assert lines[0]["case_id"] == case.id
    add_message(db, world.agent_a.principal, case.id, MessageCreate(body_text="later"))
    resumed = CliRunner().invoke(
        cli, ["export", "changes", "--cursor", lines[-1]["cursor"]], env=env
    )
    assert [json.loads(x)["action"] for x in resumed.stdout.splitlines()] == ["message.added"]


def test_a_long_poll_answers_with_the_change_made_while_it_waits(
    client: TestClient, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    cursor = client.get("/api/v1/changes", headers=world.admin.headers).json()["next_cursor"]
    answers: list[dict[str, object]] = []

    def poll() -> None:
        r = client.get(
            "/api/v1/changes", params={"cursor": cursor, "wait": 30}, headers=world.admin.headers
        )
        answers.append(r.json())

    waiter = threading.Thread(target=poll)
    waiter.start()
    add_message(db, world.agent_a.principal, case.id, MessageCreate(body_text="news"))
    waiter.join(60)
    changes = answers[0]["changes"]
    assert isinstance(changes, list)
    assert [c["action"] for c in changes] == ["message.added"]
