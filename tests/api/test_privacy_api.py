"""A contact's data-subject requests over HTTP: export, anonymise, erase."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import JSON, String, Text, cast, func, select

from casedesk.config import Settings
from casedesk.services.portal.writes import reply
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Base, Case, ContactPhone
from tests.services.portal.world import PortalWorld, make_portal_world

API = "/api/v1"
CAROL_PHONE = "+44 20 7946 0958"
CAROL_MAIL = b"""From: Carol Customer <carol@customer.example>
To: help@acme.example
Subject: Printer on fire
Message-ID: <20261205.4711@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

The printer is on fire. Call me on +44 20 7946 0958. Carol Customer
--b
Content-Type: text/plain; name="carol-notes.txt"
Content-Disposition: attachment; filename="carol-notes.txt"

carol's own notes
--b--
"""


def _setup(
    client: TestClient, db: Database, settings: Settings
) -> tuple[PortalWorld, dict[str, int]]:
    """Carol's mail opens a case (with a file); a case of Carol's that Dave also writes
    on; a case of Dave's alone; Carol has a phone number and a portal link."""
    pw = make_portal_world(db)
    admin = pw.base.admin.headers
    with db.write() as s:
        s.add(ContactPhone(contact_id=pw.carol.contact_id, number=CAROL_PHONE))
    mailed = client.post(f"{API}/mail/inbound", content=CAROL_MAIL, headers=admin | RFC822)
    assert mailed.status_code == 200 and mailed.json()["outcome"] == "created", mailed.text
    sole = mailed.json()["case_id"]
    shared = pw.case_for(pw.carol, "Shared printer").id
    store = LocalBlobStore(settings.attachments_dir)
    reply(db, store, pw.dave, shared, "Dave adds: the toner is low", [], 1024)
    with db.write() as s:
        s.execute(
            Base.metadata.tables["case_secondary_contacts"]
            .insert()
            .values(case_id=shared, contact_id=pw.dave.contact_id, position=1)
        )
    daves = pw.case_for(pw.dave, "Dave's own case").id
    link = client.post(f"{API}/contacts/{pw.carol.contact_id}/portal-link", json={}, headers=admin)
    assert link.status_code == 200
    return pw, {"sole": sole, "shared": shared, "daves": daves}


RFC822 = {"Content-Type": "message/rfc822"}


def traces(db: Database, needles: list[str]) -> list[str]:
    """Every table.column whose text holds one of ``needles``, over the whole schema."""
    found = []
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | JSON):
                    continue
                for needle in needles:
                    hit = s.execute(
                        select(func.count())
                        .select_from(table)
                        .where(func.lower(cast(column, Text)).contains(needle.lower()))
                    ).scalar_one()
                    if hit:
                        found.append(
                            f"{table.name}.{column.name}: {needle}: "
                            + str(
                                s.execute(
                                    select(column).where(
                                        func.lower(cast(column, Text)).contains(needle.lower())
                                    )
                                ).all()
                            )[:300]
                        )
    return found


#: Every dashboard's figures, which anonymising must leave as they were.
REPORTS = ("volume", "times", "sla", "reopens", "messages", "busiest-hours", "open-load")


def figures(client: TestClient, pw: PortalWorld, case_ids: list[int]) -> list[Any]:
    admin = pw.base.admin.headers
    out: list[Any] = []
    for case_id in case_ids:
        case = client.get(f"{API}/cases/{case_id}", headers=admin).json()
        times = client.get(f"{API}/cases/{case_id}/times", headers=admin).json()
        out.append((case["status"], case["created_at"], case.get("closed_at"), times))
    out.append(client.get(f"{API}/cases", headers=admin).json().get("total"))
    today = datetime.now(UTC).date()
    span = f"from={today - timedelta(days=365)}&to={today + timedelta(days=1)}"
    for name in REPORTS:
        answer = client.get(f"{API}/reports/{name}?{span}", headers=admin)
        assert answer.status_code == 200, answer.text
        out.append(answer.json())
    return out


def test_anonymising_leaves_no_trace_and_keeps_the_figures(
    client: TestClient, db: Database, settings: Settings
) -> None:
    pw, cases = _setup(client, db, settings)
    carol = ["carol@customer.example", "Carol", CAROL_PHONE]
    assert traces(db, carol), "the setup should leave Carol's data about"
    assert len(traces(db, ["the printer is on fire"])) > 2, "her text is copied about"
    before = figures(client, pw, list(cases.values()))

    url = f"{API}/contacts/{pw.carol.contact_id}/anonymise"
    refused = client.post(url, headers=pw.base.agent_a.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    done = client.post(url, headers=pw.base.admin.headers)
    assert done.status_code == 200, done.text
    assert done.json()["attachments"] == 1 and done.json()["cases"] == 2

    assert traces(db, carol) == [], traces(db, carol)
    assert traces(db, ["the printer is on fire"]) == []
    assert traces(db, ["dave@customer.example"]), "Dave's data is not Carol's"
    assert figures(client, pw, list(cases.values())) == before
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 3
    messages = client.get(
        f"{API}/cases/{cases['sole']}/messages", headers=pw.base.admin.headers
    ).json()
    bodies = [m["body_text"] for m in _items(messages)]
    assert f"anonymised contact {pw.carol.contact_id}" in bodies
    files = client.get(f"{API}/cases/{cases['sole']}/attachments", headers=pw.base.admin.headers)
    assert files.json() == [] or _items(files.json()) == []
    audit = _request_audit(db, "contact.anonymise")
    assert "carol" not in json.dumps(audit).lower()


def _items(page: Any) -> list[Any]:
    return page["items"] if isinstance(page, dict) else page


def _request_audit(db: Database, action: str) -> list[Any]:
    audit_log = Base.metadata.tables["audit_log"]
    with db.read() as s:
        rows = s.execute(select(audit_log.c.changes).where(audit_log.c.action == action)).all()
    assert len(rows) == 1
    return [r.changes for r in rows]


def test_the_export_holds_the_contacts_data_and_no_one_elses(
    client: TestClient, db: Database, settings: Settings
) -> None:
    pw, cases = _setup(client, db, settings)
    url = f"{API}/contacts/{pw.carol.contact_id}/export"
    assert client.get(url, headers=pw.base.agent_a.headers).status_code == 403
    assert (
        client.get(f"{API}/contacts/999999/export", headers=pw.base.admin.headers).status_code
        == 404
    )
    r = client.get(url, headers=pw.base.admin.headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = archive.namelist()
    contact = json.loads(archive.read("contact.json"))
    assert contact["emails"] == ["carol@customer.example"]
    assert contact["phones"] == [CAROL_PHONE]
    case_docs = [json.loads(archive.read(n)) for n in names if n.startswith("cases/")]
    assert sorted(d["id"] for d in case_docs) == sorted([cases["sole"], cases["shared"]])
    texts = [m["body_text"] for d in case_docs for m in d["messages"]]
    assert any("printer is on fire" in t for t in texts)
    files = [n for n in names if n.startswith("files/")]
    assert len(files) == 1 and archive.read(files[0]) == b"carol's own notes"
    everything = b"".join(archive.read(n) for n in names).decode().lower()
    assert "dave" not in everything


def test_erasing_removes_sole_cases_and_keeps_shared_ones(
    client: TestClient, db: Database, settings: Settings
) -> None:
    pw, cases = _setup(client, db, settings)
    admin = pw.base.admin.headers
    url = f"{API}/contacts/{pw.carol.contact_id}/erase"
    assert client.post(url, headers=pw.base.agent_b.headers).status_code == 403
    done = client.post(url, headers=admin)
    assert done.status_code == 200, done.text
    assert done.json()["cases_deleted"] == 1
    assert client.get(f"{API}/cases/{cases['sole']}", headers=admin).status_code == 404
    assert client.get(f"{API}/cases/{cases['shared']}", headers=admin).status_code == 200
    assert client.get(f"{API}/cases/{cases['daves']}", headers=admin).status_code == 200
    assert client.get(f"{API}/contacts/{pw.carol.contact_id}", headers=admin).status_code == 404
    assert traces(db, ["carol@customer.example", "Carol", CAROL_PHONE]) == []
    with db.read() as s:
        audit_log = Base.metadata.tables["audit_log"]
        left = s.scalar(select(func.count()).where(audit_log.c.case_id == cases["sole"]))
        about = s.execute(
            select(audit_log.c.action).where(
                audit_log.c.entity_type == "contact",
                audit_log.c.entity_id == pw.carol.contact_id,
            )
        ).all()
    assert left == 0
    assert [a.action for a in about] == ["contact.erase"]
    assert client.post(url, headers=admin).status_code == 404
