"""Details of seed 001 a client written against it relies on: free ExtraFields and
CustomFields keys, form bodies, secondary persons, read tracking, int32 time metrics,
the case of tags, errors for unknown routes and the SoTicket scheme. Each test quotes
the seed line it implements."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.dialects.superoffice.test_ticket_entity import SO, get, save
from tests.factories import World


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
