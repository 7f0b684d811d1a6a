"""Every request example of the Track-It! seed, verbatim: the documented answer, and
the same ticket read back through the native API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.dialects.trackit.wire import NOTE_FIELDS, TICKET_FIELDS
from casedesk.store.db import Database
from tests.dialects.trackit.support import (
    access_token,
    make_seed_words,
    seed_body,
    seed_path,
    values,
)
from tests.factories import World, make_case


@pytest.fixture
def words(client: TestClient, world: World) -> dict[str, int]:
    return make_seed_words(client, world)


@pytest.fixture
def bearer(client: TestClient, world: World) -> dict[str, str]:
    return access_token(client, world.admin.email)


def native(client: TestClient, world: World, case_id: int, part: str = "") -> Any:
    r = client.get(f"/api/v1/cases/{case_id}{part}", headers=world.admin.headers)
    assert r.status_code == 200
    return r.json()


def ticket_of(fields: dict[str, Any]) -> dict[int, Any]:
    out = values(fields)
    assert set(out) <= set(TICKET_FIELDS)
    assert all(fields[str(k)]["DisplayName"] == TICKET_FIELDS[k] for k in out)
    return out


def test_create_ticket(
    client: TestClient, world: World, words: dict[str, int], bearer: dict[str, str]
) -> None:
    r = client.post(
        seed_path("create_ticket.url", 0), json=seed_body("create_ticket.json"), headers=bearer
    )
    assert r.status_code == 200, r.text
    t = ticket_of(r.json()["Tickets"])
    assert t[72] == "Applications" and t[11] == words["Applications"]
    assert t[7] == "Additional Information field is updated. "
    assert t[96] == "Open" and t[3] == world.admin.email
    same = native(client, world, t[1])
    assert same["category_id"] == words["Applications"]
    assert same["description"] == "Additional Information field is updated. "
    assert same["title"] == "Additional Information field is updated."


def test_create_ticket_naming_a_missing_category_is_a_400(
    client: TestClient, world: World, bearer: dict[str, str]
) -> None:
    r = client.post(
        seed_path("create_ticket.url", 0), json=seed_body("create_ticket.json"), headers=bearer
    )
    assert r.status_code == 400
    assert r.json() == {
        "success": False,
        "message": "no Category named 'Applications'",
        "field": "Category",
    }


def test_update_ticket(
    client: TestClient, world: World, db: Database, words: dict[str, int], bearer: dict[str, str]
) -> None:
    case = make_case(db, world.admin)
    path = seed_path("update_ticket.url", case.id)
    r = client.post(path, json=seed_body("update_ticket.json"), headers=bearer)
    assert r.status_code == 200, r.text
    t = ticket_of(r.json()["Tickets"])
    assert (t[1], t[72], t[7]) == (
        case.id,
        "Applications",
        "Additional Information field is updated. ",
    )
    assert t[22] == "Printer does not print" and t[4] == case.group_id
    same = native(client, world, case.id)
    assert same["category_id"] == words["Applications"] and same["title"] == case.title


def test_get_ticket(client: TestClient, world: World, db: Database, bearer: dict[str, str]) -> None:
    case = make_case(db, world.admin)
    r = client.get(seed_path("get_ticket.url", case.id), headers=bearer)
    assert r.status_code == 200
    t = ticket_of(r.json()["Tickets"])
    same = native(client, world, case.id)
    assert (t[1], t[22], t[95], t[106], t[4]) == (
        same["id"], same["title"], same["status_id"], same["priority_id"], same["group_id"],
    )  # fmt: skip
    assert t[2].endswith("Z") and 12 in t and 8 not in t  # no requestor: left out


def _note(fields: dict[str, Any]) -> dict[int, Any]:
    out = values(fields)
    assert set(out) <= set(NOTE_FIELDS)
    return out


def test_add_note_then_list_and_get_it(
    client: TestClient, world: World, db: Database, words: dict[str, int], bearer: dict[str, str]
) -> None:
    case = make_case(db, world.admin)
    r = client.post(
        seed_path("add_note.url", case.id), json=seed_body("add_note.json"), headers=bearer
    )
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"Ticket", "TicketNote"}
    n = _note(r.json()["TicketNote"])
    assert (n[5], n[6], n[10], n[15], n[26]) == (
        "This is a ticket Note added by API", case.id, 600, "Install", "Ticket Description",
    )  # fmt: skip
    assert n[8] == world.admin.user_id and n[11] == words["Install"] and n[27] is True
    assert ticket_of(r.json()["Ticket"])[163] == 600
    (msg,) = native(client, world, case.id, "/messages")
    assert (msg["note_type"], msg["activity_code"], msg["duration_seconds"], msg["visibility"]) == (
        "Ticket Description", "Install", 600, "internal",
    )  # fmt: skip

    listed = client.get(seed_path("list_notes.url", case.id), headers=bearer).json()
    assert listed["Count"] == 1 and _note(listed["TicketNotes"][0]) == n
    one = client.get(seed_path("get_note.url", case.id, n[1]), headers=bearer)
    assert one.status_code == 200 and _note(one.json()["Note"][0]) == n


def test_change_status(
    client: TestClient, world: World, db: Database, words: dict[str, int], bearer: dict[str, str]
) -> None:
    case = make_case(db, world.admin)
    r = client.post(
        seed_path("change_status.url", case.id),
        json=seed_body("change_status.json"),
        headers=bearer,
    )
    assert r.status_code == 200, r.text
    assert ticket_of(r.json()["Ticket"])[96] == "Escalated"
    n = _note(r.json()["TicketNote"])
    assert n[5] == " This is a Ticket Note added by API to change Status." and n[10] == 0
    same = native(client, world, case.id)
    assert same["status_id"] == words["Escalated"] and same["status"] == 1


def test_close_ticket(
    client: TestClient, world: World, db: Database, words: dict[str, int], bearer: dict[str, str]
) -> None:
    case = make_case(db, world.admin)
    r = client.post(
        seed_path("close_ticket.url", case.id), json=seed_body("close_ticket.json"), headers=bearer
    )
    assert r.status_code == 200, r.text
    t = ticket_of(r.json()["Ticket"])
    assert t[96] == "Closed" and t[48] == world.admin.email and 18 in t
    assert _note(r.json()["Note"])[5] == " This is a Ticket Note added by API to close the Ticket."
    same = native(client, world, case.id)
    assert same["status"] == 2 and same["closed_at"] is not None


def test_delete_ticket(
    client: TestClient, world: World, db: Database, bearer: dict[str, str]
) -> None:
    case = make_case(db, world.admin)
    r = client.post(seed_path("delete_ticket.url", case.id), headers=bearer)
    assert r.status_code == 200 and r.json() == {"success": True}
    assert native(client, world, case.id)["status"] == 4


def test_attachments_assignments_and_templates(
    client: TestClient, world: World, db: Database, bearer: dict[str, str]
) -> None:
    h = world.admin.headers
    case = make_case(db, world.admin)
    client.post(
        f"/api/v1/cases/{case.id}/attachments", files={"file": ("a.txt", b"hello")}, headers=h
    )
    r = client.get(seed_path("list_attachments.url", case.id), headers=bearer).json()
    assert r["Count"] == 1
    a = values(r["TicketAttachments"][0])
    assert (a[6], a[7]) == (5, "a.txt")

    task = make_case(db, world.admin, title="Install the driver", parent_id=case.id)
    r = client.get(seed_path("list_assignments.url", case.id), headers=bearer).json()
    assert r["Count"] == 1
    assert (
        values(r["Assignments"][0])[1] == task.id
        and values(r["Assignments"][0])[6] == "Install the driver"
    )

    client.post(
        "/api/v1/templates",
        json={"name": "New Hire", "fields": {"title": "New Hire Creation"}},
        headers=h,
    )
    r = client.get(seed_path("list_templates.url", 0), headers=bearer).json()
    tpl = values(r["TicketTemplates"][0])
    assert (tpl[3], tpl[4], tpl[10]) == ("New Hire", "New Hire Creation", False)
    assert "<fieldname>title</fieldname><value>New Hire Creation</value>" in tpl[6]
