"""A case opened natively with nothing but a title (no organization, contact, order
number, category, assignee, description) still reads valid in every face: each field a
seed marks required, or gives a type or a length, is present and satisfies it, and
"none" is written the way that seed writes it. A case opened by mail is read the same
way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from casedesk.dialects.itflow.wire import COLUMNS
from casedesk.dialects.trackit.wire import TICKET_FIELDS
from tests.dialects.trackit.support import access_token
from tests.factories import World

#: Seed 001, "Response body: TicketEntity": ``Property Name | Type`` for every scalar
#: and collection field (entity-typed ones are an object, or null as the seed's samples
#: write ``"CreatedBy": null``).
SUPEROFFICE_TYPES: dict[str, str] = {
    "TicketId": "int32", "Title": "string", "CreatedAt": "date-time",
    "LastChanged": "date-time", "ReadByOwner": "date-time", "ReadByCustomer": "date-time",
    "FirstReadByOwner": "date-time", "FirstReadByUser": "date-time", "Activate": "date-time",
    "ClosedAt": "date-time", "RepliedAt": "date-time", "AlertTimeout": "date-time",
    "Deadline": "date-time", "CreatedBy": "entity", "Author": "string", "OwnedBy": "entity",
    "Category": "entity", "Slevel": "string", "Priority": "entity", "BaseStatus": "string",
    "Status": "entity", "Origin": "string", "Person": "entity", "SecondaryPersons": "array",
    "AlertLevel": "int32", "ConnectId": "int32", "ReadStatus": "string",
    "TimeToReply": "int32", "RealTimeToReply": "int32", "TimeToClose": "int32",
    "RealTimeToClose": "int32", "TimeSpentInternally": "int32",
    "TimeSpentExternally": "int32", "TimeSpentQueue": "int32",
    "RealTimeSpentInternally": "int32", "RealTimeSpentExternally": "int32",
    "RealTimeSpentQueue": "int32", "TimeSpent": "int32", "HasAttachment": "bool",
    "NumReplies": "int32", "NumMessages": "int32", "FromAddress": "string",
    "Messages": "array", "Tags": "array", "Language": "string", "Sentiment": "int32",
    "SentimentConfidence": "int32", "SuggestedCategoryId": "int32",
    "SuggestedCategoryName": "string", "OrigHumanCategoryId": "int32", "IconHint": "string",
    "Sale": "entity", "Project": "entity", "FormSubmission": "entity", "TicketType": "entity",
    "ActiveStatusMonitorId": "int32", "ExtraFields": "object", "CustomFields": "object",
    "TableRight": "entity", "FieldProperties": "object",
}  # fmt: skip

#: Seed 000, "Attributes": every attribute of a case.
ITX_ATTRIBUTES = (
    "eactId", "corporation", "activityType", "seqNo", "status", "description", "creationTs",
    "updateTs", "creator", "entityExtension", "category", "priority", "emsStatus",
    "emsStatusChangeTs", "internalUpdateTs", "externalUpdateTs", "deadlineTs",
    "emsStatusLastOpen", "queue", "onHoldToTs", "onHoldComment", "members", "links", "texts",
    "logs", "emsTags", "coreFileReferences", "propValues",
)  # fmt: skip

#: Seed 004's get answer: ``name | type [min .. max]`` and enums.
CASEMGMT_STRINGS = {"id": (8, 100), "accountNumber": (6, 100), "orderId": (14, 100),
                    "accountName": (0, None), "customerReferenceId": (0, None),
                    "createdDateTime": (24, 24)}  # fmt: skip
CASEMGMT_OTHER_DETAILS = (
    "contactUCMID", "recordType", "subChannel", "finalScheduledDate", "category",
    "subCategory", "description", "updatedDateTime", "updatedByFullName",
    "requestedTerminationDate", "statusHistory", "purchaseOrders", "products",
    "productOfferingCodes", "details", "additionalInfo", "modifiable", "reOpen",
    "cancellable", "respond",
)  # fmt: skip


def _int32(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and -(2**31) <= v < 2**31


def _date_time(v: Any) -> bool:
    return isinstance(v, str) and datetime.fromisoformat(v.replace("Z", "+00:00")) is not None


Face = Callable[[TestClient, World, int], None]
MAIL = (
    b"From: Pat Lee <pat@example.net>\r\nTo: help@acme.test\r\nSubject: Printer smokes\r\n"
    b"Message-ID: <bare-1@example.net>\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n\r\n"
    b"Since this morning.\r\n"
)


def test_a_bare_case_opened_natively_reads_valid_in_all_five_faces(
    client: TestClient, world: World
) -> None:
    """Opened through /api/v1/cases with a title only, then read through SuperOffice,
    ITX, Track-It!, ITFlow and Case Management."""
    r = client.post("/api/v1/cases", json={"title": "Bare"}, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["organization_id"] is case["contact_id"] is case["category_id"] is None
    assert case["primary_reference"] is None and case["description"] == ""
    assert read_through_every_face(client, world, int(case["id"])) == {}


def test_a_case_opened_by_mail_reads_valid_in_all_five_faces(
    client: TestClient, world: World
) -> None:
    """Opened by a mail from a known contact: no organization, category or order
    number."""
    r = client.post(
        "/api/v1/contacts",
        json={"first_name": "Pat", "last_name": "Lee", "emails": ["pat@example.net"]},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    got = client.post(
        "/api/v1/mail/inbound",
        content=MAIL,
        headers=world.admin.headers | {"Content-Type": "message/rfc822"},
    )
    assert got.status_code == 200 and got.json()["outcome"] == "created", got.text
    case = client.get(f"/api/v1/cases/{got.json()['case_id']}", headers=world.admin.headers)
    assert case.json()["organization_id"] is case.json()["category_id"] is None
    assert case.json()["primary_reference"] is None
    assert read_through_every_face(client, world, int(case.json()["id"])) == {}


def read_through_every_face(client: TestClient, world: World, case_id: int) -> dict[str, str]:
    """Each face's failures, so one face does not hide another's."""
    faces: list[Face] = [
        superoffice_reads_it_with_the_seed_types,
        itx_reads_it_with_every_attribute,
        trackit_reads_it_without_nulls,
        itflow_reads_its_row,
        casemgmt_reads_it_within_the_seed_bounds,
    ]
    failures = {}
    for face in faces:
        try:
            face(client, world, case_id)
        except AssertionError as exc:
            failures[face.__name__] = str(exc)
    return failures


def superoffice_reads_it_with_the_seed_types(client: TestClient, world: World, bare: int) -> None:
    """Seed 001: ``TimeToReply | int32``, ``ReadStatus | string``, ``FromAddress |
    string``, …: int32 fields are integers, strings strings ("none" is ``""``, as the
    seed's ``"ContactDepartment": ""``), entities an object or null (``"Person": null``).
    A moment that has not happened (ClosedAt of an open case) is null."""
    so = client.post(
        "/superoffice/api/v1/Agents/Ticket/GetTicketEntity",
        params={"ticketEntityId": bare},
        headers=world.admin.headers,
    ).json()
    wrong = {}
    for name, kind in SUPEROFFICE_TYPES.items():
        v = so.get(name, "<missing>")
        ok = {
            "int32": _int32,
            "string": lambda x: isinstance(x, str),
            "bool": lambda x: isinstance(x, bool),
            "array": lambda x: isinstance(x, list),
            "object": lambda x: isinstance(x, dict),
            "entity": lambda x: x is None or isinstance(x, dict),
            "date-time": lambda x: x is None or _date_time(x),
        }[kind](v)
        if not ok:
            wrong[name] = v
    assert wrong == {}
    assert _date_time(so["CreatedAt"]) and _date_time(so["LastChanged"])


def itx_reads_it_with_every_attribute(client: TestClient, world: World, bare: int) -> None:
    """Seed 000's attribute table, each present; ``status`` "Will match
    $.emsStatus.internalStatus"; ``activityType`` "Always 15 for cases"; the lists are
    lists; a missing contact, category or queue is null."""
    itx = client.get(f"/itx/rest/itxems/case/{bare}", headers=world.admin.headers).json()
    assert [a for a in ITX_ATTRIBUTES if a not in itx] == []
    assert itx["activityType"] == 15 and itx["status"] == itx["emsStatus"]["internalStatus"]
    assert _int32(itx["eactId"]) and _int32(itx["seqNo"])
    for name in ("members", "links", "texts", "logs", "emsTags", "coreFileReferences",
                 "propValues"):  # fmt: skip
        assert isinstance(itx[name], list), name
    assert itx["category"] is itx["queue"] is None
    assert isinstance(itx["priority"]["emprId"], int)


def trackit_reads_it_without_nulls(client: TestClient, world: World, bare: int) -> None:
    """Seed 003, GET /tickets/{id}: "Null values are not retrieved." Every field shown
    is one of the seed's sequences under its display name, with a value."""
    fields = client.get(
        f"/trackit/WebApi/tickets/{bare}", headers=access_token(client, world.admin.email)
    ).json()["Tickets"]
    assert {int(k) for k in fields} <= set(TICKET_FIELDS)
    assert [k for k, f in fields.items() if f["Value"] is None] == []
    assert [k for k, f in fields.items() if f["DisplayName"] != TICKET_FIELDS[int(k)]] == []
    assert fields["1"]["Value"] == bare and isinstance(fields["22"]["Value"], str)
    assert "72" not in fields


def itflow_reads_its_row(client: TestClient, world: World, bare: int) -> None:
    """Seed 002: a row has every column under its position and name, values as strings
    and none as null (the sample's ``"ticket_category": null``); priority is one of
    "low/med/high"; status one of "open, working, hold, auto-close, closed"."""
    (row,) = client.get(
        "/itflow/api/v1/tickets/read.php",
        params={"api_key": world.admin.token, "ticket_id": bare},
    ).json()["data"]
    for i, name in enumerate(COLUMNS):
        assert row[str(i)] == row[name], name
        assert row[name] is None or isinstance(row[name], str), name
    assert row["ticket_category"] is None
    assert row["ticket_priority"] in ("Low", "Medium", "High")
    assert row["ticket_status"] in ("Open", "Working", "Hold", "Auto Close", "Closed")
    assert row["ticket_client_id"] == "0"


def casemgmt_reads_it_within_the_seed_bounds(client: TestClient, world: World, bare: int) -> None:
    """Seed 004: ``accountNumber | string (AccountNumber) [ 6 .. 100 ] characters``,
    ``orderId | string (OrderNumber) [ 14 .. 100 ] characters``, ``channel`` and
    ``status`` enums, every ``otherDetails`` field of the sample; "none" is ``""`` or
    ``[]`` as the seed writes ``"requestedTerminationDate": ""``."""
    got = client.get(f"/casemgmt/v2/cases/{bare:08d}", headers=world.admin.headers).json()
    for name, (low, high) in CASEMGMT_STRINGS.items():
        v = got[name]
        assert isinstance(v, str) and len(v) >= low and (high is None or len(v) <= high), name
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", got["createdDateTime"])
    assert got["channel"] in ("OFFLINE", "PORTAL")
    assert got["status"] in (
        "SUBMITTED", "IN_PROGRESS", "RESOLVED", "ACTION_REQUIRED", "CLOSED", "CANCELLED",
    )  # fmt: skip
    assert got["location"] == {"ibx": []}
    other = got["otherDetails"]
    assert [k for k in CASEMGMT_OTHER_DETAILS if k not in other] == []
    assert [k for k, v in other.items() if v is None] == []
    again = client.get(f"/casemgmt/v2/cases/{got['orderId']}", headers=world.admin.headers)
    assert again.json()["id"] == got["id"]
