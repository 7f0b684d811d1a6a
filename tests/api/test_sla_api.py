"""/sla-policies, /cases/{id}/times and /cases/{id}/read over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, MessageCreate
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import Priority
from tests.factories import World

API = "/api/v1"
#: A Monday morning well in the past, so the request's own clock is after every event.
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
DEFAULT_LEVELS = [
    {"level": 1, "name": "warning", "fraction_of_target": 0.8, "minutes_from_due": None},
    {"level": 2, "name": "due", "fraction_of_target": None, "minutes_from_due": 0},
    {"level": 3, "name": "overdue", "fraction_of_target": None, "minutes_from_due": 60},
]


def post_policy(client: TestClient, world: World, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/sla-policies", json=body, headers=world.admin.headers)


def test_a_policy_gets_the_default_alert_levels(client: TestClient, world: World) -> None:
    r = post_policy(client, world, {"name": "Standard", "first_response_minutes": 60})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["alert_levels"] == DEFAULT_LEVELS
    assert (body["position"], body["is_active"], body["resolution_minutes"]) == (0, True, None)

    levels = [{"level": 1, "name": "late", "minutes_from_due": 0}]
    r = client.patch(
        f"{API}/sla-policies/{body['id']}",
        json={"alert_levels": levels, "resolution_minutes": 480},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["alert_levels"] == [levels[0] | {"fraction_of_target": None}]
    assert r.json()["resolution_minutes"] == 480


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"priority_id": 10**9}, "priority_id"),
        ({"category_id": 10**9}, "category_id"),
        ({"organization_id": 10**9}, "organization_id"),
        ({"resolution_minutes": 0}, "resolution_minutes"),
        ({"first_response_minutes": None}, "first_response_minutes"),  # no target at all
        (
            {
                "alert_levels": [
                    {"level": 1, "name": "x", "fraction_of_target": 0.5, "minutes_from_due": 0}
                ]
            },
            "alert_levels",
        ),
        ({"alert_levels": [{"level": 1, "name": "x"}]}, "alert_levels"),
        (
            {
                "alert_levels": [
                    {"level": 1, "name": "a", "minutes_from_due": 0},
                    {"level": 1, "name": "b", "minutes_from_due": 60},
                ]
            },
            "alert_levels",
        ),
    ],
)
def test_bad_policies_are_refused_naming_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    base: dict[str, Any] = {"name": "Bad", "resolution_minutes": 60}
    if field == "first_response_minutes":
        base.pop("resolution_minutes")
    r = post_policy(client, world, base | body)
    assert r.status_code == 422, r.text
    assert field in r.json()["field"]


def test_conditions_must_name_rows_of_the_corporation(
    client: TestClient, db: Database, world: World
) -> None:
    with db.write() as s:
        other = create_corporation(s, "Globex", "GX-").id
        s.flush()
        theirs = Priority(corporation_id=other, name="Theirs", rank=1)
        s.add(theirs)
        s.flush()
        theirs_id = theirs.id
    r = post_policy(
        client, world, {"name": "X", "priority_id": theirs_id, "resolution_minutes": 60}
    )
    assert r.status_code == 422 and r.json()["field"] == "priority_id"


def _case(db: Database, world: World, **fields: Any) -> int:
    data = CaseCreate(title="Printer", group_id=world.group_a, **fields)
    return cases.open_case(db, world.admin.principal, data, now=T0).id


def test_times_report_the_metrics_and_each_target(
    client: TestClient, db: Database, world: World
) -> None:
    post_policy(
        client,
        world,
        {"name": "Tight", "first_response_minutes": 20, "resolution_minutes": 240},
    )
    case_id = _case(db, world)
    admin = world.admin.principal
    reply = MessageCreate(direction="outbound", body_text="On it")
    messages.add_message(db, admin, case_id, reply, now=T0 + timedelta(minutes=30))
    closed = CasePatch(status=int(InternalStatus.CLOSED))
    cases.update_case(db, admin, case_id, closed, now=T0 + timedelta(hours=2))

    r = client.get(f"{API}/cases/{case_id}/times", headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: body[k] for k in list(body)[:13]} == {
        "case_id": case_id,
        "first_response_at": "2026-03-02T09:30:00Z",
        "closed_at": "2026-03-02T11:00:00Z",
        "time_to_reply": 30,
        "real_time_to_reply": 30,
        "time_to_close": 120,
        "real_time_to_close": 120,
        "time_spent_internally": 7200,
        "time_spent_externally": 0,
        "time_spent_queue": 0,
        "real_time_spent_internally": 7200,
        "real_time_spent_externally": 0,
        "real_time_spent_queue": 0,
    }
    first = body["sla"]["first_response"]
    assert (first["target_minutes"], first["due_at"], first["paused"]) == (20, None, False)
    assert first["breached_at"] == "2026-03-02T09:20:00Z"
    assert first["remaining_seconds"] == -600
    resolution = body["sla"]["resolution"]
    assert (resolution["breached_at"], resolution["completed_at"]) == (
        None,
        "2026-03-02T11:00:00Z",
    )
    assert body["sla"]["next_response"] is None
    assert (body["alert_level"], body["alert_timeout"], body["light"]) == (0, None, "red")
    assert body["read_status"] is None  # nobody is assigned
    assert [(b["target"], b["breached_at"]) for b in body["breaches"]] == [
        ("first_response", "2026-03-02T09:20:00Z")
    ]


def test_times_of_a_running_case(client: TestClient, db: Database, world: World) -> None:
    post_policy(client, world, {"name": "Standard", "resolution_minutes": 60})
    case_id = _case(db, world)
    body = client.get(f"{API}/cases/{case_id}/times", headers=world.admin.headers).json()
    resolution = body["sla"]["resolution"]
    assert (resolution["due_at"], resolution["paused"]) == ("2026-03-02T10:00:00Z", False)
    assert (body["alert_level"], body["light"]) == (3, "red")  # long overdue by now
    case = client.get(f"{API}/cases/{case_id}", headers=world.admin.headers).json()
    assert case["resolution_due_at"] == "2026-03-02T10:00:00Z"


def test_reading_a_case_turns_its_read_status_green(
    client: TestClient, db: Database, world: World
) -> None:
    case_id = _case(db, world, assignee_id=world.agent_a.user_id)
    times = f"{API}/cases/{case_id}/times"
    owner = world.agent_a.headers
    assert client.get(times, headers=owner).json()["read_status"] == "red"
    etag = client.get(f"{API}/cases/{case_id}", headers=owner).headers["ETag"]

    assert client.post(f"{API}/cases/{case_id}/read", headers=owner).status_code == 204
    assert client.get(times, headers=owner).json()["read_status"] == "green"
    assert client.get(f"{API}/cases/{case_id}", headers=owner).headers["ETag"] == etag
    # the owner's own note keeps it green; someone else's message turns it yellow
    note = {"visibility": "internal", "body_text": "looking"}
    client.post(f"{API}/cases/{case_id}/messages", json=note, headers=owner)
    assert client.get(times, headers=owner).json()["read_status"] == "green"
    client.post(
        f"{API}/cases/{case_id}/messages",
        json={"direction": "inbound", "body_text": "any news?"},
        headers=world.admin.headers,
    )
    assert client.get(times, headers=owner).json()["read_status"] == "yellow"
    assert client.post(f"{API}/cases/{case_id}/read", headers=owner).status_code == 204
    assert client.get(times, headers=owner).json()["read_status"] == "green"
