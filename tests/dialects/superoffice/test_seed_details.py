"""Details of seed 001 a client written against it relies on: free ExtraFields and
CustomFields keys, form bodies, secondary persons, read tracking, int32 time metrics,
the case of tags, errors for unknown routes and the SoTicket scheme. Each test quotes
the seed line it implements."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from casedesk.config import Settings
from casedesk.store.db import Database
from casedesk.store.models import CaseRead
from tests.dialects.superoffice.test_ticket_entity import (
    SO,
    basic,
    get,
    prepare_sample_refs,
    sample,
    save,
)
from tests.dialects.trackit.support import access_token
from tests.factories import World
from tests.web.console_support import agent_client


def test_soticket_authorization_takes_an_api_token(client: TestClient, world: World) -> None:
    """Seed: "Authorization | Supports 'Basic', 'SoTicket' and 'Bearer' schemes"."""
    tid = save(client, world.agent_a, {"Title": "Ticket scheme"}).json()["TicketId"]
    for scheme in ("SOTicket", "SoTicket", "Bearer"):
        r = client.post(
            f"{SO}/GetTicketEntity",
            params={"ticketEntityId": tid},
            headers={"Authorization": f"{scheme} {world.agent_a.token}"},
        )
        assert r.status_code == 200, (scheme, r.text)
        assert r.json()["TicketId"] == tid
    r = client.post(
        f"{SO}/GetTicketEntity",
        params={"ticketEntityId": tid},
        headers={"Authorization": "SOTicket not-a-token"},
    )
    assert r.status_code == 401 and set(r.json()) == {"Error", "ErrorType", "ErrorSource"}


def test_time_metrics_are_int32_before_a_reply_or_a_close(client: TestClient, world: World) -> None:
    """Seed: "TimeToReply | int32 |", "RealTimeToReply | int32 |", "TimeToClose | int32 |",
    "RealTimeToClose | int32 |"."""
    out = save(client, world.agent_a, {"Title": "No reply yet"}).json()
    for name in ("TimeToReply", "RealTimeToReply", "TimeToClose", "RealTimeToClose"):
        assert isinstance(out[name], int) and 0 <= out[name] < 2**31, (name, out[name])
    closed = save(client, world.agent_a, {"TicketId": out["TicketId"], "BaseStatus": "Closed"})
    for name in ("TimeToClose", "RealTimeToClose", "TimeToReply"):
        assert isinstance(closed.json()[name], int), name


def _so_error(r: Any, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()) == {"Error", "ErrorType", "ErrorSource"}, r.text


def test_unknown_paths_and_methods_answer_in_superoffice_shape(
    client: TestClient, world: World
) -> None:
    """Seed: "POST /api/v1/Agents/Ticket/SaveTicketEntity": another path or method under
    /superoffice gets SuperOffice's error, not the native problem+json."""
    h = world.agent_a.headers
    _so_error(client.post(f"{SO}/NoSuchCall", headers=h), 404)
    _so_error(client.get("/superoffice/api/v1/Nothing/Here", headers=h), 404)
    _so_error(client.get("/superoffice", headers=h), 404)
    r = client.get(f"{SO}/SaveTicketEntity", headers=h)
    _so_error(r, 405)
    assert "POST" in r.headers["allow"]
    xml = client.get(f"{SO}/SaveTicketEntity", headers=h | {"Accept": "application/xml"})
    assert xml.status_code == 405 and xml.content.lstrip().startswith(b"<?xml")
    # Outside /superoffice the native shape stays.
    native = client.get("/api/v1/no-such-thing", headers=h)
    assert native.status_code == 404
    assert native.headers["content-type"].startswith("application/problem+json")


FORM = "application/x-www-form-urlencoded"


def test_form_urlencoded_bodies_are_accepted(client: TestClient, world: World) -> None:
    """Seed: "Content-Type | Content-type of the request body: application/json , text/json ,
    application/xml , text/xml , application/x-www-form-urlencoded , ..."."""
    h = world.agent_a.headers | {"Content-Type": FORM}
    body = (
        "TicketId=0&Title=Form+made&Deadline=2030-01-02T10%3A00%3A00Z"
        "&Tags%5B0%5D.Name=printer&Tags[1].Name=floor-2&OwnedBy.AssociateId=0"
    )
    r = client.post(f"{SO}/SaveTicketEntity", content=body, headers=h)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["Title"] == "Form made" and out["Deadline"] == "2030-01-02T10:00:00Z"
    assert sorted(t["Name"] for t in out["Tags"]) == ["floor-2", "printer"]
    tid = out["TicketId"]
    r = client.post(f"{SO}/SaveTicketEntity", content=f"TicketId={tid}&Title=Renamed", headers=h)
    assert r.status_code == 200 and r.json()["Title"] == "Renamed"
    r = client.post(f"{SO}/GetTicketEntity", content=f"TicketEntityId={tid}", headers=h)
    assert r.status_code == 200 and r.json()["TicketId"] == tid
    for bad in ("Title=a&Title=b", "Tags[x].Name=a", "TicketId=abc", "=x", "Title.X=1&Title=2"):
        r = client.post(f"{SO}/SaveTicketEntity", content=bad, headers=h)
        _so_error(r, 400)
    assert get(client, world.agent_a, tid).json()["Title"] == "Renamed"


def test_tags_keep_their_case_and_match_without_it(client: TestClient, world: World) -> None:
    """Seed: "Tags | array | An array containing the tags assigned to this request"; the
    sample sends "Name": "Bins, Willms and Fritsch" and expects it back as sent."""
    first = save(client, world.agent_a, {"Title": "T1", "Tags": [{"Name": "VIP"}]}).json()
    assert [t["Name"] for t in first["Tags"]] == ["VIP"]
    second = save(
        client, world.agent_a, {"Title": "T2", "Tags": [{"Name": "vip"}, {"Name": "Vip"}]}
    ).json()
    assert [t["Name"] for t in second["Tags"]] == ["VIP"]  # one tag, its first spelling
    assert second["Tags"][0]["Id"] == first["Tags"][0]["Id"]
    found = client.get("/api/v1/cases", params={"tag": "vIp"}, headers=world.agent_a.headers).json()
    ids = {c["id"] for c in found["items"]}
    assert {first["TicketId"], second["TicketId"]} <= ids
    again = save(client, world.agent_a, {"TicketId": first["TicketId"], "Tags": [{"Name": "vip"}]})
    assert [t["Name"] for t in again.json()["Tags"]] == ["VIP"]
    assert again.json()["LastChanged"] == first["LastChanged"]  # the same tags: no change


def _post_sample(client: TestClient, world: World, body: dict[str, Any]) -> Any:
    headers, _ = sample()
    headers["Authorization"] = basic(world.agent_a)["Authorization"]
    return client.post(f"{SO}/SaveTicketEntity", content=json.dumps(body), headers=headers)


def test_the_seed_sample_saves_its_free_extra_and_custom_fields(
    client: TestClient, db: Database, world: World
) -> None:
    """Seed sample request: "ExtraFields": {"ExtraFields1": "aliquam", "ExtraFields2":
    "dolores"}, "CustomFields": {"CustomFields1": "error", "CustomFields2": "aut"}; and
    "CustomFields | object | Udef + Extra fields added to the carrier"."""
    prepare_sample_refs(db, world)
    _, body = sample()
    r = _post_sample(client, world, body)
    assert r.status_code == 200, r.text
    out = r.json()
    free = {
        "CustomFields1": "error",
        "CustomFields2": "aut",
        "ExtraFields1": "aliquam",
        "ExtraFields2": "dolores",
    }
    # No custom field is defined: every key is a free (extra) value, and CustomFields
    # holds the defined and the extra ones, as the seed says.
    assert out["ExtraFields"] == free and out["CustomFields"] == free
    again = get(client, world.agent_a, 389).json()
    assert again["CustomFields"] == out["CustomFields"]
    assert again["ExtraFields"] == out["ExtraFields"]
    # The answer saved back changes nothing.
    version = client.get("/api/v1/cases/389", headers=world.agent_a.headers).json()["version"]
    assert save(client, world.agent_a, out).status_code == 200
    after = client.get("/api/v1/cases/389", headers=world.agent_a.headers).json()
    assert after["version"] == version
    # A later save of the map replaces the free values; leaving it out keeps them.
    r = save(client, world.agent_a, {"TicketId": 389, "ExtraFields": {"Only": "one"}})
    assert r.json()["ExtraFields"] == {"Only": "one"}
    r = save(client, world.agent_a, {"TicketId": 389, "Title": "kept"})
    assert r.json()["ExtraFields"] == {"Only": "one"}


def test_keys_of_defined_custom_fields_are_still_validated(
    client: TestClient, db: Database, world: World
) -> None:
    """Seed: "CustomFields | object | Udef + Extra fields": a key naming a defined custom
    field (in any case) is that field, checked by its type; nothing is half-written."""
    r = client.post(
        "/api/v1/custom-fields",
        json={"key": "customfields1", "label": "Units", "type": "number"},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    prepare_sample_refs(db, world)
    _, body = sample()
    r = _post_sample(client, world, body)  # "CustomFields1": "error" is not a number
    assert r.status_code == 400 and r.json()["ErrorSource"] == "custom_fields.customfields1"
    unchanged = get(client, world.agent_a, 389).json()
    assert unchanged["Title"] == "Printer jam" and unchanged["ExtraFields"] == {}
    body["CustomFields"]["CustomFields1"] = "12"
    out = _post_sample(client, world, body).json()
    assert out["CustomFields"]["customfields1"] == "12.0"
    assert "CustomFields1" not in out["CustomFields"]
    assert out["ExtraFields"] == {
        "CustomFields2": "aut",
        "ExtraFields1": "aliquam",
        "ExtraFields2": "dolores",
    }
    native = client.get("/api/v1/cases/389", headers=world.agent_a.headers).json()
    assert native["custom_fields"] == {"customfields1": 12.0}
    too_long = {"TicketId": 389, "ExtraFields": {"Note": "x" * 4001}}
    assert save(client, world.agent_a, too_long).status_code == 400


def _backdate_reads(db: Database, case_id: int, when: datetime) -> None:
    """Move the recorded reads of the case to ``when`` (as if they were long ago)."""
    with db.write() as s:
        s.execute(
            update(CaseRead)
            .where(CaseRead.case_id == case_id)
            .values(read_at=when, first_read_at=when)
        )


def _marks(client: TestClient, world: World, case_id: int) -> tuple[Any, Any, Any, Any]:
    """The read fields as SaveTicketEntity answers them (a save records no read)."""
    out = save(client, world.admin, {"TicketId": case_id}).json()
    return out["ReadByOwner"], out["FirstReadByOwner"], out["FirstReadByUser"], out["ReadStatus"]


def test_reads_by_the_owner_and_any_user_are_recorded_through_every_face(
    client: TestClient, db: Database, settings: Settings, world: World
) -> None:
    """Seed: "ReadByOwner | date-time | The datetime for when the ticket last was read by
    the owner.", "FirstReadByOwner | date-time | The datetime for when the ticket first was
    read by the current owner.", "FirstReadByUser | date-time | The datetime for when the
    ticket first was read by a user."."""
    owner = world.agent_a
    tid = save(
        client, owner, {"Title": "Who read me", "OwnedBy": {"AssociateId": owner.user_id}}
    ).json()["TicketId"]
    assert _marks(client, world, tid)[:3] == (None, None, None)

    # Another user reads it through this face: a first read by a user, not the owner's.
    assert get(client, world.admin, tid).status_code == 200
    by_owner, first_by_owner, first_by_user, _ = _marks(client, world, tid)
    assert by_owner is None and first_by_owner is None and first_by_user is not None
    _backdate_reads(db, tid, datetime(2020, 1, 1, tzinfo=UTC))

    # The owner opens it in the console.
    console = agent_client(settings, db, owner.email)
    assert console.get(f"/console/cases/{tid}").status_code == 200
    by_owner, first_by_owner, first_by_user, status = _marks(client, world, tid)
    assert first_by_user == "2020-01-01T00:00:00Z"
    assert by_owner is not None and by_owner == first_by_owner > "2021"
    assert status == "Green"

    # Reading again moves the latest read only, through whichever face.
    reads_through = {
        "itx": lambda: client.get(f"/itx/itxems/case/{tid}", headers=owner.headers),
        "trackit": lambda: client.get(
            f"/trackit/WebApi/tickets/{tid}", headers=access_token(client, owner.email)
        ),
        "itflow": lambda: client.get(
            "/itflow/api/v1/tickets/read.php", params={"api_key": owner.token, "ticket_id": tid}
        ),
        "casemgmt": lambda: client.get(f"/casemgmt/v2/cases/{tid:08d}", headers=owner.headers),
        "superoffice": lambda: get(client, owner, tid),
    }
    for face, read in reads_through.items():
        _backdate_reads(db, tid, datetime(2020, 2, 1, tzinfo=UTC))
        assert read().status_code == 200, face
        by_owner, first_by_owner, first_by_user, _ = _marks(client, world, tid)
        assert first_by_owner == first_by_user == "2020-02-01T00:00:00Z", face
        assert by_owner > "2021", face
    # The native face shows the same marks in the case's times.
    times = client.get(f"/api/v1/cases/{tid}/times", headers=owner.headers).json()
    assert times["first_read_by_owner"] == "2020-02-01T00:00:00Z"
    assert times["read_by_owner"] > "2021"


def test_secondary_persons_are_kept_as_contacts_of_the_case(
    client: TestClient, db: Database, world: World
) -> None:
    """Seed: "SecondaryPersons | Array | The secondary persons this ticket is connected
    to"; the sample sends "PersonId": 75, "Firstname": "Chaya", "Lastname": "Cremin"."""
    prepare_sample_refs(db, world)
    _, body = sample()
    out = _post_sample(client, world, body).json()
    assert [(p["PersonId"], p["Firstname"], p["Lastname"]) for p in out["SecondaryPersons"]] == [
        (75, "Chaya", "Cremin")
    ]
    assert get(client, world.agent_a, 389).json()["SecondaryPersons"] == out["SecondaryPersons"]
    other = client.post(
        "/api/v1/contacts",
        json={"first_name": "Ada", "last_name": "Byron", "emails": ["ada@example.com"]},
        headers=world.admin.headers,
    ).json()
    two = [{"PersonId": other["id"]}, {"PersonId": 75}]
    r = save(client, world.agent_a, {"TicketId": 389, "SecondaryPersons": two})
    assert [p["PersonId"] for p in r.json()["SecondaryPersons"]] == [other["id"], 75]
    assert r.json()["SecondaryPersons"][0]["Email"] == "ada@example.com"
    # Left out: kept. Unknown person: a 400 and nothing written. Empty: cleared.
    r = save(client, world.agent_a, {"TicketId": 389, "Title": "renamed"})
    assert [p["PersonId"] for p in r.json()["SecondaryPersons"]] == [other["id"], 75]
    bad = {"TicketId": 389, "Title": "not saved", "SecondaryPersons": [{"PersonId": 999_999}]}
    assert save(client, world.agent_a, bad).status_code == 400
    assert save(client, world.agent_a, {"Title": "x", "SecondaryPersons": [{}]}).status_code == 400
    kept = get(client, world.agent_a, 389).json()
    assert kept["Title"] == "renamed" and len(kept["SecondaryPersons"]) == 2
    r = save(client, world.agent_a, {"TicketId": 389, "SecondaryPersons": []})
    assert r.json()["SecondaryPersons"] == []
    created = save(client, world.agent_a, {"Title": "new", "SecondaryPersons": [{"PersonId": 75}]})
    assert [p["PersonId"] for p in created.json()["SecondaryPersons"]] == [75]
