"""The reference-data admin pages, table-driven: for each kind an admin creates, edits
and deletes an item through the page's forms; bad input gets a notice and writes
nothing; agents without the right are refused; names are escaped; CSRF is required."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.permissions import Principal
from casedesk.services.cases import templates
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.mail import mailbox_admin
from casedesk.services.reference import (
    accounts,
    calendars,
    categories,
    field_definitions,
    groups,
    priorities,
    queues,
    statuses,
)
from casedesk.store.db import Database
from tests.factories import World, make_actor, make_world
from tests.web.admin_client import Browser, notice_of, redirected_to

Lister = Callable[[Database, Principal], Sequence[Any]]


@dataclass(frozen=True)
class Kind:
    """One admin page: how to create, edit and break an item of its kind."""

    path: str
    lister: Lister
    create: dict[str, Any]
    edit: dict[str, Any]
    invalid: dict[str, Any]
    problem: str
    #: The attribute the list shows and the escaping test fills in.
    label: str = "name"
    invalid_status: int = 422
    checks: dict[str, Any] = field(default_factory=dict)

    def find(self, db: Database, principal: Principal, value: str) -> Any:
        for row in self.lister(db, principal):
            if getattr(row, self.label) == value:
                return row
        return None


WEEK = {f"hours_{day}": "09:00-12:00, 13:00-17:00" for day in "01234"}

KINDS = {
    "groups": Kind(
        "/console/admin/groups",
        groups.list_groups,
        {"name": "Network team"},
        {"name": "Networks"},
        {"name": "   "},
        "name",
    ),
    "queues": Kind(
        "/console/admin/queues",
        queues.list_queues,
        {"name": "First line"},
        {"name": "Second line"},
        {"name": "Triage", "group_id": "999999"},
        "group_id",
    ),
    "priorities": Kind(
        "/console/admin/priorities",
        priorities.list_priorities,
        {"name": "Urgent", "rank": "-5"},
        {"name": "Very urgent", "rank": "-10", "itflow_priority": "Medium"},
        {"name": "Later", "rank": "many"},
        "rank",
        checks={"rank": -10, "itflow_priority": "Medium"},
    ),
    "statuses": Kind(
        "/console/admin/statuses",
        statuses.list_statuses,
        {"name": "Waiting for parts", "internal_status": "8"},
        {"name": "Parts ordered", "internal_status": "8", "clock": "stopped"},
        {"name": "Limbo", "internal_status": "9"},
        "internal_status",
        checks={"internal_status": 8, "clock": "stopped"},
    ),
    "custom-fields": Kind(
        "/console/admin/custom-fields",
        field_definitions.list_fields,
        {"key": "impact", "label": "Impact", "type": "select", "options": "low\nhigh"},
        {"key": "impact", "label": "Business impact", "type": "select", "options": "low\nhigh\n"},
        {"key": "size", "label": "Size", "type": "select", "options": ""},
        "a select field needs at least one option",
        label="label",
        checks={"options": ["low", "high"]},
    ),
    "categories": Kind(
        "/console/admin/categories",
        categories.list_categories,
        {"name": "Hardware"},
        {"name": "Hardware and devices"},
        {"name": "Orphan", "parent_id": "999999"},
        "parent_id",
    ),
    "templates": Kind(
        "/console/admin/templates",
        templates.list_templates,
        {"name": "Printer jam", "title": "Printer jams", "tags": "printer, jam"},
        {"name": "Paper jam", "title": "Paper jams", "tags": "printer"},
        {"name": "Broken", "priority_id": "999999"},
        "priority_id 999999 does not exist",
        checks={"fields": {"title": "Paper jams", "tags": ["printer"]}},
    ),
    "mailboxes": Kind(
        "/console/admin/mailboxes",
        mailbox_admin.list_mailboxes,
        {
            "name": "Support inbox",
            "imap_url": "imaps://support@mail.example.test/INBOX",
            "password": "mailbox secret",
            "processed_action": "flag",
            "is_active": "1",
        },
        {
            "name": "Support",
            "imap_url": "imaps://support@mail.example.test/INBOX",
            "processed_action": "move",
            "move_to": "Done",
        },
        {"name": "Web", "imap_url": "http://mail.example.test/", "processed_action": "flag"},
        "imaps://",
        checks={"move_to": "Done", "is_active": False, "has_password": True},
    ),
    "calendars": Kind(
        "/console/admin/calendars",
        calendars.list_calendars,
        {"name": "Oslo office", "time_zone": "Europe/Oslo", **WEEK},
        {
            "name": "Oslo office hours",
            "time_zone": "Europe/Oslo",
            "hours_0": "08:00-16:00",
            "holidays": "2026-12-24\n2026-12-25",
        },
        {"name": "Nowhere", "time_zone": "Mars/Olympus"},
        "unknown time zone",
        checks={"hours": {"0": [["08:00", "16:00"]]}, "holidays": ["2026-12-24", "2026-12-25"]},
    ),
}


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver")


@pytest.fixture
def admin(client: TestClient, world: World) -> Browser:
    return Browser(client, world.admin.email)


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


def plain(value: Any) -> Any:
    """Dates as ISO strings, so expectations read like the forms."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def label_of(data: dict[str, Any], kind: Kind) -> str:
    return str(data[kind.label])


def test_an_admin_creates_edits_and_deletes_an_item(
    admin: Browser, db: Database, world: World, kind: Kind
) -> None:
    principal = world.admin.principal
    assert redirected_to(admin.post(kind.path, kind.create)) == f"{kind.path}?done=created"
    listed = admin.get(kind.path)
    assert listed.status_code == 200
    assert label_of(kind.create, kind) in listed.text
    row = kind.find(db, principal, label_of(kind.create, kind))
    assert row is not None

    item = f"{kind.path}/{row.id}"
    form = admin.get(item)
    assert form.status_code == 200
    assert label_of(kind.create, kind) in form.text
    assert redirected_to(admin.post(item, kind.edit)) == f"{kind.path}?done=saved"
    assert label_of(kind.edit, kind) in admin.get(kind.path).text
    edited = kind.find(db, principal, label_of(kind.edit, kind))
    assert edited is not None and edited.id == row.id
    for name, value in kind.checks.items():
        assert plain(getattr(edited, name)) == value, name

    assert redirected_to(admin.post(f"{item}/delete", {})) == f"{kind.path}?done=deleted"
    assert kind.find(db, principal, label_of(kind.edit, kind)) is None
    assert admin.get(item).status_code == 404


def test_bad_input_is_named_in_a_notice_and_nothing_is_written(
    admin: Browser, db: Database, world: World, kind: Kind
) -> None:
    before = len(kind.lister(db, world.admin.principal))
    answer = admin.post(kind.path, kind.invalid)
    assert answer.status_code == kind.invalid_status
    assert kind.problem in notice_of(answer)
    assert len(kind.lister(db, world.admin.principal)) == before


def test_an_agent_without_the_right_is_refused(
    client: TestClient, db: Database, world: World, kind: Kind
) -> None:
    agent = Browser(client, world.agent_a.email)
    assert agent.get(kind.path).status_code == 403
    before = len(kind.lister(db, world.admin.principal))
    assert agent.post(kind.path, kind.create).status_code == 403
    assert len(kind.lister(db, world.admin.principal)) == before


def test_names_are_escaped(admin: Browser, kind: Kind) -> None:
    data = kind.create | {kind.label: "<b>bold</b> & co"}
    redirected_to(admin.post(kind.path, data))
    page = admin.get(kind.path).text
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page


def test_a_change_without_the_session_token_is_refused(
    admin: Browser, db: Database, world: World, kind: Kind
) -> None:
    before = len(kind.lister(db, world.admin.principal))
    assert admin.post(kind.path, kind.create, csrf=False).status_code == 403
    assert len(kind.lister(db, world.admin.principal)) == before


def test_an_agent_given_the_reference_permission_gets_in(
    client: TestClient, db: Database, world: World
) -> None:
    accounts.update_user(
        db,
        world.admin.principal,
        world.agent_a.user_id,
        accounts.UserPatch(permissions=["view_case", "manage_reference"]),
    )
    agent = Browser(client, world.agent_a.email)
    assert 'href="/console/admin"' in agent.get("/console").text
    assert agent.get("/console/admin").status_code == 200
    assert redirected_to(agent.post("/console/admin/queues", {"name": "Agents' queue"}))
    assert "Agents&#39; queue" in agent.get("/console/admin/queues").text


def test_the_index_links_every_page_and_refuses_plain_agents(
    admin: Browser, client: TestClient, world: World
) -> None:
    index = admin.get("/console/admin")
    assert index.status_code == 200
    for kind in KINDS.values():
        assert f'href="{kind.path}"' in index.text
    agent = Browser(TestClient(client.app), world.agent_b.email)
    assert 'href="/console/admin"' not in agent.get("/console").text
    refused = agent.get("/console/admin")
    assert refused.status_code == 403
    assert "manage_reference" in refused.text


def test_the_default_cannot_be_unset_or_deleted(admin: Browser, db: Database, world: World) -> None:
    default = next(g for g in groups.list_groups(db, world.admin.principal) if g.is_default)
    answer = admin.post(f"/console/admin/groups/{default.id}/delete", {})
    assert answer.status_code == 409
    assert "default group" in notice_of(answer)


def test_office_hours_in_another_shape_are_refused_naming_the_day(
    admin: Browser, db: Database, world: World
) -> None:
    answer = admin.post(
        "/console/admin/calendars",
        {"name": "Odd", "time_zone": "UTC", "hours_0": "09:00-17:00", "hours_2": "9 to 5"},
    )
    assert answer.status_code == 422
    assert notice_of(answer).startswith("Wednesday: write office hours as 09:00-17:00")
    overlapping = admin.post(
        "/console/admin/calendars",
        {"name": "Odd", "time_zone": "UTC", "hours_1": "09:00-13:00, 12:00-17:00"},
    )
    assert overlapping.status_code == 422
    assert "overlap" in notice_of(overlapping)
    assert calendars.list_calendars(db, world.admin.principal) == []


def test_another_corporations_item_is_not_found(admin: Browser, db: Database) -> None:
    with db.write() as s:
        corp_id = create_corporation(s, "Globex", "GX-").id
    other = make_actor(db, "admin@globex.test", "admin", [], corp_id)
    theirs = queues.create_queue(db, other.principal, queues.QueueCreate(name="Globex queue"))
    assert admin.get(f"/console/admin/queues/{theirs.id}").status_code == 404
    answer = admin.post(f"/console/admin/queues/{theirs.id}", {"name": "Mine now"})
    assert answer.status_code == 404
    assert queues.get_queue(db, other.principal, theirs.id).name == "Globex queue"
