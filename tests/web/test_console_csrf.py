"""Every post the console offers is refused without the session's CSRF token, and
changes nothing."""

from __future__ import annotations

import pytest

from casedesk.config import Settings
from casedesk.services.cases import messages, saved_filters
from casedesk.services.cases.core import get_case
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("fields", {"version": "1", "assignee_id": "{alice}"}),
        ("messages", {"visibility": "external", "body": "forged reply"}),
        ("merge", {"into": "id:{other}", "confirm": "yes"}),
        ("links", {"kind": "related", "other": "id:{other}"}),
        ("links/remove", {"kind": "related", "other_id": "{other}"}),
    ],
)
@pytest.mark.parametrize("token", [None, "forged"])
def test_case_posts_need_the_csrf_token(
    settings: Settings,
    db: Database,
    world: World,
    route: str,
    data: dict[str, str],
    token: str | None,
) -> None:
    case = make_case(db, world.agent_a)
    other = make_case(db, world.agent_a)
    alice = agent_client(settings, db, world.agent_a.email)
    values = {k: v.format(alice=world.agent_a.user_id, other=other.id) for k, v in data.items()} | (
        {"csrf_token": token} if token else {}
    )
    answer = alice.post(f"/console/cases/{case.id}/{route}", data=values)
    assert answer.status_code == 403
    assert get_case(db, world.agent_a.principal, case.id) == case
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []


def test_filter_posts_need_the_csrf_token(settings: Settings, db: Database, world: World) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    saved = saved_filters.create_filter(db, world.agent_a.principal, "Mine", "status=1")
    created = alice.post("/console/filters", data={"name": "Forged", "query": ""})
    deleted = alice.post(f"/console/filters/{saved.id}/delete", data={"csrf_token": "x"})
    assert created.status_code == deleted.status_code == 403
    assert saved_filters.list_filters(db, world.agent_a.principal) == [saved]
