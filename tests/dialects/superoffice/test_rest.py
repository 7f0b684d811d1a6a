"""SuperOffice's REST calls on the TicketEntity under /superoffice/api/v1/Ticket: the same
entity as the Agents calls (seed 001: "Updates the existing TicketEntity or creates a
new TicketEntity"), JSON Patch, the default entity, group segregation and errors in
SuperOffice's shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import Actor, World

REST = "/superoffice/api/v1/Ticket"
AGENTS = "/superoffice/api/v1/Agents/Ticket"
ERROR_KEYS = {"Error", "ErrorType", "ErrorSource"}


def create(client: TestClient, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(REST, json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def agents_get(client: TestClient, actor: Actor, ticket_id: int) -> Any:
    return client.post(
        f"{AGENTS}/GetTicketEntity", params={"ticketEntityId": ticket_id}, headers=actor.headers
    )


def test_post_creates_and_get_reads_what_the_agents_call_reads(
    client: TestClient, world: World
) -> None:
    # seed 001: "TicketId | Integer | The primary key (auto-incremented)"
    out = create(client, world.agent_a, {"TicketId": 77, "Title": "Printer jam", "Tags": []})
    assert out["TicketId"] not in (0, 77) and out["Title"] == "Printer jam"
    r = client.get(f"{REST}/{out['TicketId']}", headers=world.agent_a.headers)
    assert r.status_code == 200
    assert r.json() == agents_get(client, world.agent_a, out["TicketId"]).json()
    xml = client.get(
        f"{REST}/{out['TicketId']}", headers=world.agent_a.headers | {"Accept": "application/xml"}
    )
    assert xml.status_code == 200 and xml.text.lstrip().find("<TicketEntity") >= 0
    assert f"<TicketId>{out['TicketId']}</TicketId>" in xml.text


def test_post_answers_201_with_the_location(client: TestClient, world: World) -> None:
    r = client.post(f"{REST}/", json={"Title": "trailing slash"}, headers=world.agent_a.headers)
    assert r.status_code == 201
    assert r.headers["Location"] == f"{REST}/{r.json()['TicketId']}"


def test_put_saves_the_entity_onto_the_ticket(client: TestClient, world: World) -> None:
    ticket = create(client, world.agent_a, {"Title": "before"})
    body = ticket | {"Title": "after", "TicketId": 0, "Deadline": "2031-05-01T10:00:00Z"}
    r = client.put(f"{REST}/{ticket['TicketId']}", json=body, headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    assert r.json()["TicketId"] == ticket["TicketId"] and r.json()["Title"] == "after"
    read = agents_get(client, world.agent_a, ticket["TicketId"]).json()
    assert read["Title"] == "after" and read["Deadline"].startswith("2031-05-01T10:00:00")


def test_patch_applies_a_json_patch(client: TestClient, world: World) -> None:
    ticket = create(client, world.agent_a, {"Title": "patch me", "Tags": [{"Name": "a"}]})
    ops = [
        {"op": "test", "path": "/Title", "value": "patch me"},
        {"op": "replace", "path": "/Title", "value": "patched"},
        {"op": "add", "path": "/Tags/-", "value": {"Name": "b"}},
    ]
    r = client.patch(
        f"{REST}/{ticket['TicketId']}",
        json=ops,
        headers=world.agent_a.headers | {"Content-Type": "application/json-patch+json"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["Title"] == "patched"
    assert sorted(t["Name"] for t in r.json()["Tags"]) == ["a", "b"]


def test_patch_removes_moves_and_replaces_the_whole_entity(
    client: TestClient, world: World
) -> None:
    ticket = create(client, world.agent_a, {"Title": "t", "Deadline": "2031-01-01T00:00:00Z"})
    url = f"{REST}/{ticket['TicketId']}"
    r = client.patch(
        url, json=[{"op": "remove", "path": "/Deadline"}], headers=world.agent_a.headers
    )
    assert r.status_code == 200 and r.json()["Deadline"] is None
    ops = [{"op": "copy", "from": "/Title", "path": "/FromAddress"}]
    r = client.patch(url, json=ops, headers=world.agent_a.headers)
    assert r.status_code == 200 and r.json()["Title"] == "t"
    whole = r.json() | {"Title": "whole"}
    ops = [{"op": "replace", "path": "", "value": whole}]
    r = client.patch(url, json=ops, headers=world.agent_a.headers)
    assert r.status_code == 200 and r.json()["Title"] == "whole"


def test_a_failing_patch_writes_nothing(client: TestClient, world: World) -> None:
    ticket = create(client, world.agent_a, {"Title": "keep"})
    url = f"{REST}/{ticket['TicketId']}"
    for body in (
        [
            {"op": "test", "path": "/Title", "value": "other"},
            {"op": "replace", "path": "/Title", "value": "x"},
        ],
        [{"op": "remove", "path": "/NoSuchProperty"}],
        {"Title": "not a patch"},
        [],
        ["no"],
    ):
        r = client.patch(url, json=body, headers=world.agent_a.headers)
        assert r.status_code == 400, (body, r.text)
        assert set(r.json()) == ERROR_KEYS
    r = client.patch(url, content=b"[", headers=world.agent_a.headers)
    assert r.status_code == 400 and set(r.json()) == ERROR_KEYS
    r = client.patch(
        url, content=b"Title=x", headers=world.agent_a.headers | {"Content-Type": "text/plain"}
    )
    assert r.status_code == 415 and set(r.json()) == ERROR_KEYS
    assert agents_get(client, world.agent_a, ticket["TicketId"]).json()["Title"] == "keep"


def test_delete_answers_204_and_the_ticket_leaves_the_archive(
    client: TestClient, world: World
) -> None:
    ticket = create(client, world.agent_a, {"Title": "to delete"})
    r = client.delete(f"{REST}/{ticket['TicketId']}", headers=world.admin.headers)
    assert r.status_code == 204
    read = client.get(f"{REST}/{ticket['TicketId']}", headers=world.admin.headers).json()
    assert read["BaseStatus"] == "Deleted"
    rows = client.get(REST, params={"$select": "TicketId"}, headers=world.admin.headers)
    assert ticket["TicketId"] not in [x["TicketId"] for x in rows.json()["value"]]


def test_default_is_the_agents_default(client: TestClient, world: World) -> None:
    r = client.get(f"{REST}/default", headers=world.agent_a.headers)
    assert r.status_code == 200
    agents = client.post(f"{AGENTS}/CreateDefaultTicketEntity", headers=world.agent_a.headers)
    assert r.json() == agents.json() and r.json()["TicketId"] == 0


def test_another_groups_ticket_is_not_found_by_any_rest_call(
    client: TestClient, world: World
) -> None:
    theirs = create(client, world.agent_b, {"Title": "B only"})["TicketId"]
    calls = [
        client.get(f"{REST}/{theirs}", headers=world.agent_a.headers),
        client.get(f"{REST}/987654", headers=world.agent_a.headers),
        client.put(f"{REST}/{theirs}", json={"Title": "mine"}, headers=world.agent_a.headers),
        client.patch(
            f"{REST}/{theirs}",
            json=[{"op": "replace", "path": "/Title", "value": "mine"}],
            headers=world.agent_a.headers,
        ),
        client.delete(f"{REST}/{theirs}", headers=world.agent_a.headers),
    ]
    for r in calls:
        assert r.status_code == 404, r.text
        assert r.json()["ErrorType"] == "not-found" and set(r.json()) == ERROR_KEYS
    rows = client.get(REST, headers=world.agent_a.headers).json()["value"]
    assert theirs not in [x["TicketId"] for x in rows]
    assert agents_get(client, world.agent_b, theirs).json()["Title"] == "B only"


def test_credentials_and_ids_are_checked(client: TestClient, world: World) -> None:
    r = client.get(REST)
    assert r.status_code == 401 and set(r.json()) == ERROR_KEYS
    r = client.get(f"{REST}/abc", headers=world.agent_a.headers)
    assert r.status_code == 400 and set(r.json()) == ERROR_KEYS
    r = client.get(f"{REST}/0", headers=world.agent_a.headers)
    assert r.status_code == 400 and set(r.json()) == ERROR_KEYS


@pytest.fixture
def three(client: TestClient, world: World) -> list[int]:
    ids = []
    for title in ("Alpha printer", "Beta network", "Gamma printer"):
        ids.append(create(client, world.agent_a, {"Title": title})["TicketId"])
    return ids


def archive(client: TestClient, actor: Actor, **params: str) -> Any:
    return client.get(REST, params=params, headers=actor.headers)


def ids(r: Any) -> list[int]:
    assert r.status_code == 200, r.text
    return [row["TicketId"] for row in r.json()["value"]]


def test_archive_rows_carry_the_selected_columns(
    client: TestClient, world: World, three: list[int]
) -> None:
    r = archive(client, world.agent_a, **{"$select": "ticketId,title,createdAt"})
    row = r.json()["value"][0]
    assert set(row) == {"PrimaryKey", "EntityName", "ticketId", "title", "createdAt"}
    assert row["EntityName"] == "ticket" and row["PrimaryKey"] == row["ticketId"] == three[0]
    assert r.json()["odata.nextLink"] is None


def test_archive_filter_operators(client: TestClient, world: World, three: list[int]) -> None:
    a, b, c = three

    def q(f: str) -> list[int]:
        return ids(archive(client, world.agent_a, **{"$select": "TicketId", "$filter": f}))

    assert q("Title eq 'alpha printer'") == [a]
    assert q("Title ne 'Alpha printer'") == [b, c]
    assert q(f"TicketId gt {a}") == [b, c]
    assert q(f"TicketId ge {b}") == [b, c]
    assert q(f"TicketId lt {b}") == [a]
    assert q(f"TicketId le {b}") == [a, b]
    assert q(f"{b} lt TicketId") == [c]
    assert q("startswith(Title,'gam')") == [c]
    assert q("contains(Title,'PRINTER') and TicketId ne 0") == [a, c]
    assert q(f"TicketId eq {a} or (contains(title,'net') and BaseStatus eq 'Active')") == [a, b]
    assert q("Deadline eq null") == [a, b, c]
    assert q("CreatedAt gt 2000-01-01 and CreatedAt lt 2999-01-01T00:00:00Z") == [a, b, c]
    assert q("createdAt ge '2000-01-01T00:00:00'") == [a, b, c]
    assert q("CreatedAt lt 2000-01-01") == []


def test_archive_order_top_skip_and_next_link(
    client: TestClient, world: World, three: list[int]
) -> None:
    a, b, c = three
    r = archive(client, world.agent_a, **{"$orderBy": "Title desc", "$top": "2"})
    assert ids(r) == [c, b]
    link = r.json()["odata.nextLink"]
    assert link is not None and ("%24skip=2" in link or "$skip=2" in link)
    r = archive(client, world.agent_a, **{"$orderBy": "Title desc", "$top": "2", "$skip": "2"})
    assert ids(r) == [a] and r.json()["odata.nextLink"] is None
    r = archive(client, world.agent_a, **{"$top": "0"})
    assert ids(r) == [] and r.json()["odata.nextLink"] is None


@pytest.mark.parametrize(
    ("params", "source"),
    [
        ({"$filter": "not (TicketId eq 1)"}, "$filter"),
        ({"$filter": "TicketId in (1, 2)"}, "$filter"),
        ({"$filter": "endswith(Title,'x')"}, "$filter"),
        ({"$filter": "TicketId add 1 eq 2"}, "$filter"),
        ({"$filter": "Title eq"}, "$filter"),
        ({"$filter": "Nope eq 1"}, "$filter"),
        ({"$filter": "Title/Name eq 'x'"}, "$filter"),
        ({"$filter": "any(Title)"}, "$filter"),
        ({"$filter": "TicketId eq 'one'"}, "$filter"),
        ({"$filter": "CreatedAt gt 'yesterday'"}, "$filter"),
        ({"$filter": "Title eq 'a' ~ 1"}, "$filter"),
        ({"$orderBy": "Title sideways"}, "$orderBy"),
        ({"$select": "Title,Secret"}, "$select"),
        ({"$top": "-1"}, "$top"),
        ({"$skip": "many"}, "$skip"),
        ({"$format": "atom"}, "$format"),
    ],
)
def test_archive_refuses_the_rest_with_a_clear_400(
    client: TestClient, world: World, params: dict[str, str], source: str
) -> None:
    r = archive(client, world.agent_a, **params)
    assert r.status_code == 400, r.text
    assert set(r.json()) == ERROR_KEYS and r.json()["ErrorSource"] == source


def test_archive_dates_without_offset_are_read_in_so_timezone(
    client: TestClient, world: World
) -> None:
    # seed 001: "SO-TimeZone | Specify the timezone code that you would like date/time
    # responses converted to."
    ticket = create(client, world.agent_a, {"Title": "zoned"})
    created = datetime.fromisoformat(ticket["CreatedAt"]).astimezone(UTC)
    naive = (created + timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    select = {"$select": "TicketId,CreatedAt"}
    in_utc = archive(client, world.agent_a, **select, **{"$filter": f"CreatedAt lt '{naive}'"})
    assert ids(in_utc) == [ticket["TicketId"]]
    tokyo = client.get(
        REST,
        params=select | {"$filter": f"CreatedAt lt '{naive}'"},
        headers=world.agent_a.headers | {"SO-TimeZone": "Asia/Tokyo"},
    )
    assert ids(tokyo) == []  # 1 minute after creation in Tokyo is 9 hours earlier in UTC
    row = client.get(
        REST, params=select, headers=world.agent_a.headers | {"SO-TimeZone": "Asia/Tokyo"}
    ).json()["value"][0]
    assert row["CreatedAt"].endswith("+09:00") and row["TicketId"] == ticket["TicketId"]


def test_rest_calls_keep_free_values_and_record_reads(client: TestClient, world: World) -> None:
    """The REST calls save what SaveTicketEntity saves (seed 001's sample request:
    "ExtraFields": {"ExtraFields1": "aliquam", ...}) and a GET is a read, as
    GetTicketEntity is ("FirstReadByUser | DateTime | The first time the ticket was read
    by any user")."""
    out = create(client, world.agent_a, {"Title": "free values", "ExtraFields": {"x1": "a"}})
    assert out["ExtraFields"] == {"x1": "a"} and out["FirstReadByUser"] is None
    ticket = f"{REST}/{out['TicketId']}"
    r = client.put(ticket, json={"ExtraFields": {"x1": "b"}}, headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    patch = [{"op": "add", "path": "/ExtraFields/x2", "value": "c"}]
    r = client.patch(
        ticket,
        json=patch,
        headers=world.agent_a.headers | {"Content-Type": "application/json-patch+json"},
    )
    assert r.status_code == 200, r.text
    read = client.get(ticket, headers=world.agent_a.headers).json()
    assert read["ExtraFields"] == {"x1": "b", "x2": "c"}
    assert read["FirstReadByUser"] is not None
