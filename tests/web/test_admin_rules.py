"""The rules' admin pages: create, edit and test a trigger in the browser's way (htmx
posts with the session's token), admins only, markup as every page; and a macro
applied from a case's page."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases import tags
from casedesk.services.rules import definitions
from casedesk.services.rules.definitions import RuleIn
from casedesk.store.db import Database
from tests.factories import World, make_case, make_world
from tests.web.admin_client import Browser, notice_of, redirected_to
from tests.web.markup import markup_problems


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db))


def test_an_admin_writes_and_tests_a_trigger(
    client: TestClient, db: Database, world: World
) -> None:
    admin = Browser(client, world.admin.email)
    page = admin.get("/console/admin/triggers")
    assert page.status_code == 200 and markup_problems(page.text) == []
    answer = admin.post(
        "/console/admin/triggers",
        {
            "name": "VPN cases",
            "position": "1",
            "is_active": "1",
            "events": ["case_created", "case_updated"],
            "conditions": json.dumps({"field": "case.title", "op": "contains", "value": "vpn"}),
            "actions": json.dumps([{"type": "add_tags", "tags": ["vpn"]}]),
        },
    )
    assert redirected_to(answer) == "/console/admin/triggers?done=created"
    (rule,) = definitions.list_rules(db, world.admin.principal, "trigger")
    assert rule.events == ["case_created", "case_updated"]
    edit = admin.get(f"/console/admin/triggers/{rule.id}")
    assert edit.status_code == 200 and markup_problems(edit.text) == []
    bad = admin.post(
        f"/console/admin/triggers/{rule.id}",
        {"name": "VPN cases", "actions": "[{not json", "events": ["case_created"]},
    )
    assert "not JSON" in notice_of(bad)
    case = make_case(db, world.admin, title="Cannot reach the VPN")
    with db.read() as s:
        assert tags.names(s, [case.id])[case.id] == ["vpn"]
    other = make_case(db, world.admin, title="VPN client for the new laptop")
    tested = admin.post_form(f"/console/admin/triggers/{rule.id}/test", {"case_id": other.id})
    assert tested.status_code == 200
    assert markup_problems(tested.text) == []
    assert "matches" in tested.text


def test_agents_get_no_rule_pages(client: TestClient, world: World) -> None:
    agent = Browser(client, world.agent_a.email)
    for path in ("triggers", "automations", "macros"):
        assert agent.get(f"/console/admin/{path}").status_code == 403
    answer = agent.post("/console/admin/triggers", {"name": "x", "events": ["case_created"]})
    assert "admins" in notice_of(answer)
    assert agent.get("/console/admin/triggers/1").status_code == 403


def test_a_macro_from_the_case_page(client: TestClient, db: Database, world: World) -> None:
    macro = definitions.create_rule(
        db,
        world.admin.principal,
        "macro",
        RuleIn(
            name="Waiting on the customer",
            actions=[{"type": "set", "field": "status", "value": 3}],
            reply_text="Could you send us a screenshot?",
        ),
    )
    case = make_case(db, world.agent_a, group_id=world.group_a)
    agent = Browser(client, world.agent_a.email)
    page = agent.get(f"/console/cases/{case.id}")
    assert "Waiting on the customer" in page.text
    assert markup_problems(page.text) == []
    answer = agent.post_form(f"/console/cases/{case.id}/macros", {"macro_id": macro.id})
    assert answer.status_code == 303
    page = agent.get(f"/console/cases/{case.id}")
    assert "Could you send us a screenshot?" in page.text
