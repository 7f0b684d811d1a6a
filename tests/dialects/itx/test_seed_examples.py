"""Every request example of the ITX seed, posted verbatim: the documented answer, and
the same case read back through the native API."""

from __future__ import annotations

import json
import re
import shlex

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.dialects.conftest import fixture_text
from tests.dialects.itx.reference_rows import make_seed_rows
from tests.factories import World

CASE_KEYS = {
    "eactId", "corporation", "activityType", "seqNo", "status", "description", "creationTs",
    "updateTs", "creator", "entityExtension", "category", "priority", "emsStatus",
    "emsStatusChangeTs", "internalUpdateTs", "externalUpdateTs", "deadlineTs",
    "emsStatusLastOpen", "queue", "onHoldToTs", "onHoldComment", "members", "links", "texts",
    "logs", "emsTags", "coreFileReferences", "propValues",
}  # fmt: skip


def example(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(fixture_text("itx", name))
    return data


def native(client: TestClient, world: World, case_id: int) -> dict[str, object]:
    r = client.get(f"/api/v1/cases/{case_id}", headers=world.admin.headers)
    assert r.status_code == 200
    out: dict[str, object] = r.json()
    return out


def test_new_open_case_names_the_missing_reference_in_a_400(
    client: TestClient, world: World
) -> None:
    r = client.post(
        "/itx/rest/itxems/case",
        json=example("new_open_case_on_contact.json"),
        headers=world.admin.headers,
    )
    assert r.status_code == 400
    body = r.json()
    assert body["status"] == 400 and body["error"] == "Bad Request"
    assert body["field"] == "priority.emprId" and "46" in body["message"]
    assert client.get("/api/v1/cases", headers=world.admin.headers).json()["items"] == []


def test_new_open_case_on_contact_with_queue_category_and_priority(
    client: TestClient, world: World, db: Database
) -> None:
    make_seed_rows(db, world.corporation_id)
    r = client.post(
        "/itx/rest/itxems/case",
        json=example("new_open_case_on_contact.json"),
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    case = r.json()
    assert set(case) == CASE_KEYS
    assert case["activityType"] == 15 and case["seqNo"] == 1
    assert case["description"] == "Example case title"
    assert case["entityExtension"]["eeexId"] == 3257440
    assert case["queue"]["ucquId"] == 541
    assert case["category"]["ctnoId"] == 768957
    assert case["priority"]["emprId"] == 46
    assert case["corporation"]["corpId"] == world.corporation_id
    # emsStatus 3 is an "Awaiting external" status: status 1 wins and the default Open
    # ems status replaces it.
    assert case["status"] == 1
    assert case["emsStatus"]["internalStatus"] == 1 and case["emsStatus"]["emstId"] != 3
    assert case["emsStatusLastOpen"]["emstId"] == case["emsStatus"]["emstId"]
    contact = [m for m in case["members"] if m["role"] == 20]
    assert contact[0]["entityExtension"]["eeexId"] == 3257440 and contact[0]["endTs"] is None

    same = native(client, world, case["eactId"])
    assert same["title"] == "Example case title"
    assert (same["status"], same["status_id"]) == (1, case["emsStatus"]["emstId"])
    assert same["contact_id"] == 3257440
    assert (same["queue_id"], same["category_id"], same["priority_id"]) == (541, 768957, 46)
    assert same["number"] == case["seqNo"]


def test_minimal_closed_case(client: TestClient, world: World) -> None:
    r = client.post(
        "/itx/rest/itxems/case",
        json=example("minimal_closed_case.json"),
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    case = r.json()
    assert set(case) == CASE_KEYS
    assert case["status"] == 2 and case["emsStatus"]["internalStatus"] == 2
    assert case["priority"]["name"] == "Medium"  # the default priority
    same = native(client, world, case["eactId"])
    assert (same["title"], same["status"], same["status_id"]) == (
        "This case is closed", 2, case["emsStatus"]["emstId"],
    )  # fmt: skip
    assert same["priority_id"] == case["priority"]["emprId"]
    assert same["closed_at"] is not None


def test_upload_attachment_as_the_curl_example_does(client: TestClient, world: World) -> None:
    case = client.post(
        "/itx/itxems/case", json={"description": "With files"}, headers=world.admin.headers
    ).json()
    words = shlex.split(fixture_text("itx", "upload_attachment.curl").replace("\\\n", " "))
    url = words[words.index("--url") + 1]
    form = words[words.index("--form") + 1]
    path = re.sub(r"^https://<endpoint>", "/itx", url).replace(
        "<case_eact_id>", str(case["eactId"])
    )
    field, _, filename = form.partition("=@./")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = client.post(
        path,
        files=[
            (field, (filename, pdf, "application/pdf")),
            (field, ("b.txt", b"hi", "text/plain")),
        ],
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert [f["fileName"] for f in r.json()] == ["sample.pdf", "b.txt"]
    again = client.get(f"/itx/rest/itxems/case/{case['eactId']}", headers=world.admin.headers)
    refs = again.json()["coreFileReferences"]
    assert [(f["fileName"], f["contentType"]) for f in refs] == [
        ("sample.pdf", "application/pdf"), ("b.txt", "text/plain"),
    ]  # fmt: skip
    natives = client.get(f"/api/v1/cases/{case['eactId']}/attachments", headers=world.admin.headers)
    assert [a["filename"] for a in natives.json()] == ["sample.pdf", "b.txt"]
    wrong = client.post(
        path.replace("tblId=35007", "tblId=1"),
        files=[(field, ("x", b"x"))],
        headers=world.admin.headers,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "tblId"
    wrong = client.post(
        path.replace("type=3", "type=4"), files=[(field, ("x", b"x"))], headers=world.admin.headers
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "type"
