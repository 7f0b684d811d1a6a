"""Every dialect checks the caller before it reads a body, refuses JSON (and XML) nested
too deeply and numbers out of range with a 400 in its own error shape, never a 500,
and holds values to the types its seed gives them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import World

DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
DEEP_XML = b"<TicketEntity>" + b"<a>" * 60_000 + b"</a>" * 60_000 + b"</TicketEntity>"


def itx_shape(status: int, body: Any) -> bool:
    return body["status"] == status and {"error", "message", "path"} <= body.keys()


def trackit_shape(status: int, body: Any) -> bool:
    return body["success"] is False and isinstance(body["message"], str)


def itflow_shape(status: int, body: Any) -> bool:
    return body["success"] == "False" and isinstance(body["message"], str)


def casemgmt_shape(status: int, body: Any) -> bool:
    return isinstance(body["errors"][0]["message"], str)


def superoffice_shape(status: int, body: Any) -> bool:
    return {"Error", "ErrorType", "ErrorSource"} <= body.keys()


@dataclass
class Face:
    name: str
    path: str
    shape: Callable[[int, Any], bool]
    #: The request's credentials for a token (in a header, or the query string).
    auth: Callable[[str], tuple[dict[str, str], str]]
    #: A body that is well-formed but carries an id of 2**70.
    huge_id: bytes

    def post(self, client: TestClient, body: bytes, token: str | None) -> Any:
        headers, query = self.auth(token) if token else ({}, "")
        headers = {**headers, "Content-Type": "application/json"}
        return client.post(self.path + query, content=body, headers=headers)


def _bearer(token: str) -> tuple[dict[str, str], str]:
    return {"Authorization": f"Bearer {token}"}, ""


HUGE = str(2**70).encode()
FACES = [
    Face("itx", "/itx/rest/itxems/case", itx_shape, _bearer, b'{"eactId": ' + HUGE + b"}"),
    Face(
        "trackit",
        "/trackit/WebApi/tickets",
        trackit_shape,
        _bearer,
        b'{"Properties": {"4": ' + HUGE + b"}}",
    ),
    Face(
        "itflow",
        "/itflow/api/v1/tickets/update.php",
        itflow_shape,
        lambda token: ({}, f"?api_key={token}"),
        b'{"ticket_id": ' + HUGE + b"}",
    ),
    Face(
        "casemgmt", "/casemgmt/v2/cases", casemgmt_shape, _bearer, b'{"primaryId": ' + HUGE + b"}"
    ),
    Face(
        "superoffice",
        "/superoffice/api/v1/Agents/Ticket/SaveTicketEntity",
        superoffice_shape,
        _bearer,
        b'{"TicketId": ' + HUGE + b"}",
    ),
]


@pytest.fixture(params=FACES, ids=[f.name for f in FACES])
def face(request: pytest.FixtureRequest) -> Face:
    found: Face = request.param
    return found


@pytest.mark.parametrize("body", [b"{not json", DEEP_JSON, b'{"x": '], ids=["bad", "deep", "cut"])
def test_without_credentials_the_body_is_not_read(
    client: TestClient, world: World, face: Face, body: bytes
) -> None:
    for token in (None, "not-a-token"):
        r = face.post(client, body, token)
        assert r.status_code == 401, r.text
        assert face.shape(401, r.json()), r.text


def test_deep_json_is_a_400_in_the_dialects_shape(
    client: TestClient, world: World, face: Face
) -> None:
    r = face.post(client, DEEP_JSON, world.admin.token)
    assert r.status_code == 400, r.text
    assert face.shape(400, r.json()), r.text


def test_an_id_beyond_64_bits_is_a_400_in_the_dialects_shape(
    client: TestClient, world: World, face: Face
) -> None:
    r = face.post(client, face.huge_id, world.admin.token)
    assert r.status_code == 400, r.text
    assert face.shape(400, r.json()), r.text


def test_superoffice_ids_are_int32(client: TestClient, world: World) -> None:
    so = FACES[-1]
    for body in (b'{"TicketId": 2147483648}', b'{"Priority": {"TicketPriorityId": -2147483649}}'):
        r = so.post(client, body, world.admin.token)
        assert r.status_code == 400, r.text
        assert superoffice_shape(400, r.json())
    r = client.post(
        "/superoffice/api/v1/Agents/Ticket/GetTicketEntity?ticketEntityId=2147483648",
        headers=world.admin.headers,
    )
    assert r.status_code == 400 and superoffice_shape(400, r.json()), r.text


@pytest.mark.parametrize("body", [b'{"TicketEntityId": true}', b'{"TicketEntityId": 1.5}'])
def test_superoffice_entity_ids_are_integers(client: TestClient, world: World, body: bytes) -> None:
    path = "/superoffice/api/v1/Agents/Ticket/GetTicketEntity"
    headers = {**world.admin.headers, "Content-Type": "application/json"}
    r = client.post(path, content=body, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["ErrorSource"] == "ticketEntityId"


def test_superoffice_deep_xml_is_a_400_after_credentials(client: TestClient, world: World) -> None:
    path = "/superoffice/api/v1/Agents/Ticket/SaveTicketEntity"
    xml = {"Content-Type": "application/xml", "Accept": "application/json"}
    r = client.post(path, content=DEEP_XML, headers=xml)
    assert r.status_code == 401, r.text
    r = client.post(path, content=DEEP_XML, headers={**xml, **world.admin.headers})
    assert r.status_code == 400, r.text
    assert superoffice_shape(400, r.json())


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("22", 5, "Ticket Summary"),
        ("Ticket Summary", ["a list"], "Ticket Summary"),
        ("7", 5.5, "Additional Information"),
        ("4", "2", "Seq_Group"),
        ("4", True, "Seq_Group"),
        ("100", 1700000000, "Expected Due Date & Time"),
    ],
)
def test_trackit_values_have_the_seeds_types(
    client: TestClient, world: World, key: str, value: Any, field: str
) -> None:
    body = {"Properties": {"22": "a ticket", key: value}}
    r = client.post("/trackit/WebApi/tickets", json=body, headers=world.admin.headers)
    assert r.status_code == 400, r.text
    assert r.json()["success"] is False and r.json()["field"] == field
    r = client.get("/trackit/WebApi/tickets/1", headers=world.admin.headers)
    assert r.status_code == 404  # nothing was created


def test_trackit_note_flags_are_booleans(client: TestClient, world: World) -> None:
    created = client.post(
        "/trackit/WebApi/tickets",
        json={"Properties": {"22": "a ticket"}},
        headers=world.admin.headers,
    )
    assert created.status_code == 200, created.text
    ticket = created.json()["Tickets"]["1"]["Value"]
    note = {"Note Type": "Note", "Activity Code": "Call", "Note": "hi", "Private": 0}
    r = client.post(
        f"/trackit/WebApi/tickets/{ticket}/AddNote", json=note, headers=world.admin.headers
    )
    assert r.status_code == 400 and r.json()["field"] == "Private", r.text


def test_itx_and_casemgmt_bodies_are_strictly_typed(client: TestClient, world: World) -> None:
    r = client.post(
        "/itx/rest/itxems/case",
        json={"description": "a case", "eactId": "1"},
        headers=world.admin.headers,
    )
    assert r.status_code == 400 and r.json()["field"] == "eactId", r.text
    r = client.post(
        "/casemgmt/v2/cases",
        json={"code": 5, "description": "a case"},
        headers=world.admin.headers,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "code", r.text
