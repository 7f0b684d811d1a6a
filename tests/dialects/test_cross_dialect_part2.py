"""One case, every face, for the second set of dialects: a case created through
SuperOffice (SaveTicketEntity), through ITFlow (create.php, then put to Working) and
through the Case Management API (with an upload attached) reads the same through ITX,
Track-It!, the native API and each of those three: title, description, status,
priority, category, contact and organization wherever the face maps them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.dialects.trackit.support import access_token, values
from tests.factories import World

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@dataclass(frozen=True)
class Refs:
    organization: int
    contact: int
    category: int
    priorities: dict[str, int]


@dataclass(frozen=True)
class Expected:
    """What every face must show of the case, in core terms."""

    case_id: int
    title: str
    description: str
    internal_status: int
    priority: str
    category: str | None
    contact: int
    organization: int | None
    attachments: list[str]


@pytest.fixture
def refs(client: TestClient, world: World) -> Refs:
    h = world.admin.headers
    org = client.post(f"{API}/organizations", json={"name": "Globex"}, headers=h).json()
    contact = client.post(
        f"{API}/contacts",
        json={
            "first_name": "John",
            "last_name": "Doe",
            "emails": ["john@globex.test"],
            "organization_id": org["id"],
        },
        headers=h,
    ).json()
    cat = client.post(f"{API}/categories", json={"name": "Hardware"}, headers=h).json()
    prios = {p["name"]: p["id"] for p in client.get(f"{API}/priorities", headers=h).json()}
    return Refs(org["id"], contact["id"], cat["id"], prios)


def through_superoffice(client: TestClient, world: World, refs: Refs) -> Expected:
    r = client.post(
        "/superoffice/api/v1/Agents/Ticket/SaveTicketEntity",
        json={
            "TicketId": 0,
            "Title": "Printer smokes",
            "Person": {"PersonId": refs.contact},
            "Category": {"TicketCategoryId": refs.category},
            "Priority": {"TicketPriorityId": refs.priorities["High"]},
        },
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    # SuperOffice has no description; the case is for its Person's (primary) organization.
    return Expected(r.json()["TicketId"], "Printer smokes", "", 1, "High", "Hardware",
                    refs.contact, refs.organization, [])  # fmt: skip


def through_itflow(client: TestClient, world: World, refs: Refs) -> Expected:
    key = {"api_key": world.agent_a.token}
    r = client.post(
        "/itflow/api/v1/tickets/create.php",
        params=key,
        json={
            "ticket_subject": "VPN drops",
            "ticket_details": "Since Monday.\nEvery hour.",
            "ticket_priority": "Low",
            "ticket_contact_id": refs.contact,
            "client_id": refs.organization,
        },
    )
    assert r.status_code == 200, r.text
    ticket_id = int(r.json()["data"][0]["ticket_id"])
    r = client.post(
        "/itflow/api/v1/tickets/update.php",
        params=key,
        json={"ticket_id": ticket_id, "ticket_status": "Working"},
    )
    assert r.status_code == 200, r.text
    return Expected(ticket_id, "VPN drops", "Since Monday.\nEvery hour.", 7, "Low", None,
                    refs.contact, refs.organization, [])  # fmt: skip


def through_casemgmt(client: TestClient, world: World, refs: Refs) -> Expected:
    a = world.agent_a
    up = client.post(
        "/casemgmt/v2/attachments", files={"file": ("photo.png", PNG)}, headers=a.headers
    )
    assert up.status_code == 200, up.text
    r = client.post(
        "/casemgmt/v2/cases",
        json={
            "code": "0302-0400",
            "description": "Badge reader dead\nSince the storm last night.",
            "primaryId": "order-20260302-0001",
            "contacts": [{"type": "TECHNICAL", "registeredUsers": ["John Doe"]}],
            "attachments": [{"id": up.json()["id"], "name": "reader.png"}],
        },
        headers=a.headers,
    )
    assert r.status_code == 200, r.text
    # The registered user is the contact, and the case is for their organization.
    return Expected(int(r.json()["id"]), "Badge reader dead",
                    "Badge reader dead\nSince the storm last night.", 1, "Medium", None,
                    refs.contact, refs.organization, ["reader.png"])  # fmt: skip


Face = Callable[[TestClient, World, Refs], Expected]


@pytest.mark.parametrize("make", [through_superoffice, through_itflow, through_casemgmt])
def test_a_case_reads_the_same_through_every_face(
    client: TestClient, world: World, refs: Refs, make: Face
) -> None:
    want = make(client, world, refs)
    a = world.agent_a
    statuses = {s["id"]: s["name"] for s in client.get(f"{API}/statuses", headers=a.headers).json()}
    priorities = {v: k for k, v in refs.priorities.items()}

    native = client.get(f"{API}/cases/{want.case_id}", headers=a.headers).json()
    status_name = statuses[native["status_id"]]
    assert (native["title"], native["description"], native["status"]) == (
        want.title, want.description, want.internal_status,
    )  # fmt: skip
    assert priorities[native["priority_id"]] == want.priority
    assert native["category_id"] == (refs.category if want.category else None)
    assert (native["contact_id"], native["organization_id"]) == (want.contact, want.organization)
    files = client.get(f"{API}/cases/{want.case_id}/attachments", headers=a.headers).json()
    assert [f["filename"] for f in files] == want.attachments

    itx = client.get(f"/itx/rest/itxems/case/{want.case_id}", headers=a.headers).json()
    assert (itx["eactId"], itx["description"], itx["status"]) == (
        want.case_id, want.title, want.internal_status,
    )  # fmt: skip
    assert itx["emsStatus"]["name"] == status_name
    assert itx["priority"]["name"] == want.priority
    assert (itx["category"] or {}).get("name") == want.category
    assert itx["entityExtension"]["eeexId"] == want.contact
    assert [f["fileName"] for f in itx["coreFileReferences"]] == want.attachments

    bearer = access_token(client, a.email)
    ticket = values(
        client.get(f"/trackit/WebApi/tickets/{want.case_id}", headers=bearer).json()["Tickets"]
    )
    assert (ticket[1], ticket[22], ticket.get(7, "")) == (
        want.case_id, want.title, want.description,
    )  # fmt: skip
    assert (ticket[95], ticket[96]) == (native["status_id"], status_name)
    assert ticket[107] == want.priority and ticket.get(72) == want.category
    assert (ticket[8], ticket[149]) == (want.contact, "John Doe")
    listed = client.get(
        f"/trackit/WebApi/tickets/{want.case_id}/Attachments/0/0", headers=bearer
    ).json()
    assert listed["Count"] == len(want.attachments)

    so = client.post(
        "/superoffice/api/v1/Agents/Ticket/GetTicketEntity",
        params={"ticketEntityId": want.case_id},
        headers=a.headers,
    ).json()
    assert (so["Title"], so["Status"]["Name"], so["Priority"]["Name"]) == (
        want.title, status_name, want.priority,
    )  # fmt: skip
    assert (so["Category"] or {}).get("Name") == want.category
    assert (so["Person"]["PersonId"], so["Person"]["ContactId"]) == (
        want.contact, refs.organization,
    )  # fmt: skip
    assert so["HasAttachment"] is bool(want.attachments)

    (row,) = client.get(
        "/itflow/api/v1/tickets/read.php",
        params={"api_key": a.token, "ticket_id": want.case_id},
    ).json()["data"]
    assert (row["ticket_subject"], row["ticket_details"], row["ticket_priority"]) == (
        want.title, want.description, want.priority,
    )  # fmt: skip
    assert row["ticket_status"] == {1: "Open", 7: "Working"}[want.internal_status]
    assert row["ticket_category"] == want.category
    assert (row["ticket_contact_id"], row["ticket_client_id"]) == (
        str(want.contact), str(want.organization or 0),
    )  # fmt: skip

    cm = client.get(f"/casemgmt/v2/cases/{want.case_id:08d}", headers=a.headers).json()
    assert cm["status"] == {1: "SUBMITTED", 7: "IN_PROGRESS"}[want.internal_status]
    assert cm["otherDetails"]["description"] == want.description
    assert cm["otherDetails"]["category"] == (want.category or "")
    # A contact sent as a registered user comes back as one; else the case's contact.
    shown = [c.get("registeredUsers") or [f"{c['firstName']} {c['lastName']}"]
             for c in cm["contacts"]]  # fmt: skip
    assert shown == [["John Doe"]]
    assert cm["accountNumber"] == (f"{want.organization:06d}" if want.organization else "000000")
    assert [h["status"] for h in cm["otherDetails"]["statusHistory"]][-1] == cm["status"]


def test_a_change_in_one_face_is_seen_in_the_others(
    client: TestClient, world: World, refs: Refs
) -> None:
    """Created in SuperOffice, noted through Case Management, closed through ITFlow."""
    a = world.agent_a
    case_id = through_superoffice(client, world, refs).case_id
    r = client.patch(
        f"/casemgmt/v2/cases/{case_id:08d}",
        json={"text": "Replaced the fuser", "visibility": "INTERNAL"},
        headers=a.headers,
    )
    assert r.status_code == 200, r.text
    r = client.post(
        "/itflow/api/v1/tickets/update.php",
        params={"api_key": a.token},
        json={"ticket_id": case_id, "ticket_status": "Closed"},
    )
    assert r.status_code == 200, r.text
    itx = client.get(f"/itx/rest/itxems/case/{case_id}", headers=a.headers).json()
    assert itx["status"] == 2
    assert [(t["text"], t["internal"]) for t in itx["texts"]] == [("Replaced the fuser", True)]
    bearer = access_token(client, a.email)
    ticket = values(
        client.get(f"/trackit/WebApi/tickets/{case_id}", headers=bearer).json()["Tickets"]
    )
    notes = client.get(f"/trackit/WebApi/tickets/{case_id}/Notes/0/0", headers=bearer).json()
    assert ticket[97] == "Closed" and 18 in ticket
    assert [values(n)[5] for n in notes["TicketNotes"]] == ["Replaced the fuser"]
    so = client.post(
        "/superoffice/api/v1/Agents/Ticket/GetTicketEntity",
        params={"ticketEntityId": case_id},
        headers=a.headers,
    ).json()
    assert so["BaseStatus"] == "Closed" and so["NumMessages"] == 1
    cm = client.get(f"/casemgmt/v2/cases/{case_id:08d}", headers=a.headers).json()
    assert cm["status"] == "CLOSED" and cm["otherDetails"]["cancellable"] is False
    native = client.get(f"{API}/cases/{case_id}", headers=a.headers).json()
    assert native["closed_at"] is not None and native["status"] == 2
