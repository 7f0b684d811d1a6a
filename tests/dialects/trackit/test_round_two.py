"""Track-It! details a client written against the seed relies on: the assignments'
"Last User", and data segregation on the attachments call (a deliberate deviation)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.dialects.trackit.support import access_token, values
from tests.factories import World, make_case

TICKETS = "/trackit/WebApi/tickets"
DOC = Path(__file__).parents[3] / "docs" / "dialects" / "trackit.md"


def test_assignments_carry_field_3_last_user(
    client: TestClient, world: World, db: Database
) -> None:
    """Seed, GET /tickets/{id}/Assignments/{pageSize}/{pageNumber}, example response:
    ``"3": {"DisplayName": "Last User", "Value": "TECH1"}``. The last user is the one
    who last changed the task, not its creator."""
    case = make_case(db, world.agent_a)
    task = make_case(db, world.agent_a, title="Install the driver", parent_id=case.id)
    r = client.patch(
        f"/api/v1/cases/{task.id}",
        json={"title": "Install the new driver"},
        headers={**world.admin.headers, "If-Match": f'"{task.id}-{task.version}"'},
    )
    assert r.status_code == 200, r.text
    bearer = access_token(client, world.admin.email)
    (row,) = client.get(f"{TICKETS}/{case.id}/Assignments/0/0", headers=bearer).json()[
        "Assignments"
    ]
    assert row["3"] == {"DisplayName": "Last User", "Value": world.admin.email}
    assert values(row)[1] == task.id


def test_attachments_keep_data_segregation_as_a_stated_deviation(
    client: TestClient, world: World, db: Database
) -> None:
    """Seed, GET /tickets/{id}/Attachments: "Data Segregation is not applicable." casedesk
    applies it anyway (a ticket of another group is a 404, as on every other call) and
    says so in the Track-It! page's table of deliberate deviations."""
    case = make_case(db, world.agent_a)
    client.post(
        f"/api/v1/cases/{case.id}/attachments",
        files={"file": ("a.txt", b"hello")},
        headers=world.agent_a.headers,
    )
    own = client.get(
        f"{TICKETS}/{case.id}/Attachments/0/0", headers=access_token(client, world.agent_a.email)
    )
    assert own.status_code == 200 and own.json()["Count"] == 1
    other = client.get(
        f"{TICKETS}/{case.id}/Attachments/0/0", headers=access_token(client, world.agent_b.email)
    )
    assert other.status_code == 404 and other.json()["success"] is False
    table = DOC.read_text().split("## Deliberate deviations", 1)[1]
    assert "Data Segregation is not applicable" in table
