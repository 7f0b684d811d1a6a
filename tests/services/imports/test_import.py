"""``casedesk import`` as a service: a small file goes in with everything it brings, and
what it refuses is named by line and reason."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.members import MemberRole
from casedesk.services.imports.loading import Summary
from casedesk.services.imports.runs import import_file
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseMessage,
    ImportRecord,
    OutboxEvent,
    SearchDocument,
    StatusHistory,
)
from tests.factories import World, make_world

TABLES = (Case, CaseMessage, Attachment, ImportRecord, SearchDocument, StatusHistory, AuditEntry)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def run(db: Database, tmp_path: Path, path: Path, world: World, **kw: Any) -> Summary:
    store = LocalBlobStore(tmp_path / "attachments")  # the settings fixture's folder
    return import_file(db, store, path, corporation_id=world.corporation_id, **kw)


def full_record() -> dict[str, Any]:
    return {
        "external_id": "zd-1001",
        "title": "Printer on fire",
        "description": "Smoke from tray 2",
        "status": "Closed",
        "priority": "High",
        "group": "B",
        "contact": {"email": "Ann@Customer.test", "first_name": "Ann", "last_name": "Lee"},
        "assignee": "bob@acme.test",
        "followers": ["admin@acme.test"],
        "tags": ["hardware", "Fire"],
        "created_at": "2024-01-02T10:00:00Z",
        "messages": [
            {
                "direction": "inbound",
                "author": "ann@customer.test",
                "body_text": "Please help, zanzibarian smoke",
                "created_at": "2024-01-02T10:00:00Z",
                "attachments": [
                    {"filename": "smoke.txt", "content_base64": base64.b64encode(b"smoke").decode()}
                ],
            },
            {
                "direction": "outbound",
                "author": "bob@acme.test",
                "body_text": "On our way",
                "created_at": "2024-01-02T11:00:00Z",
            },
            {
                "direction": "note",
                "body_text": "bring the extinguisher",
                "created_at": "2024-01-02T11:30:00Z",
                "attachments": [{"filename": "plan.txt", "path": "files/plan.txt"}],
            },
        ],
        "history": [
            {"status": "open", "at": "2024-01-02T10:00:00Z"},
            {"status": "closed", "at": "2024-01-03T09:00:00Z", "by": "bob@acme.test"},
        ],
    }


def test_a_file_is_imported_with_all_its_parts_visible_through_the_api(
    db: Database, world: World, tmp_path: Path, settings: Settings
) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "plan.txt").write_bytes(b"step one")
    path = write_jsonl(tmp_path / "cases.jsonl", [full_record(), {"title": "Plain one"}])

    summary = run(db, tmp_path, path, world)

    assert (summary.imported, summary.messages, summary.refused) == (2, 3, [])
    with TestClient(create_app(settings, db)) as client:
        admin = world.admin.headers
        found = client.get("/api/v1/cases", headers=admin, params={"q": "zanzibarian"}).json()
        assert [c["title"] for c in found["items"]] == ["Printer on fire"]
        case = found["items"][0]
        got = client.get(f"/api/v1/cases/{case['id']}", headers=admin).json()
        assert got["status"] == 2 and got["origin"] == "import"
        assert got["created_at"].startswith("2024-01-02T10:00:00")
        assert got["first_response_at"].startswith("2024-01-02T11:00:00")
        assert got["assignee_id"] == world.agent_b.user_id
        messages = client.get(f"/api/v1/cases/{case['id']}/messages", headers=admin).json()
        assert [m["direction"] for m in messages] == ["inbound", "outbound", "note"]
        assert messages[1]["author_user_id"] == world.agent_b.user_id
        members = client.get(f"/api/v1/cases/{case['id']}/members", headers=admin).json()
        roles = sorted(m["role"] for m in members)
        assert roles == sorted([MemberRole.CONTACT, MemberRole.ASSIGNED_USER, MemberRole.FOLLOWER])
        tags = client.get(f"/api/v1/cases/{case['id']}/tags", headers=admin).json()
        assert sorted(t.lower() for t in tags) == ["fire", "hardware"]
        files = client.get(f"/api/v1/cases/{case['id']}/attachments", headers=admin).json()
        assert sorted(f["filename"] for f in files) == ["plan.txt", "smoke.txt"]
        plan = next(f for f in files if f["filename"] == "plan.txt")
        url = f"/api/v1/cases/{case['id']}/attachments/{plan['id']}/content"
        body = client.get(url, headers=admin)
        assert body.content == b"step one"
        # segregation: the case is in group B, which alice (group A) does not see
        seen = client.get(f"/api/v1/cases/{case['id']}", headers=world.agent_a.headers)
        assert seen.status_code == 404
    with db.read() as s:
        history = s.scalars(
            select(StatusHistory.reason).where(StatusHistory.case_id == case["id"])
        ).all()
        assert sorted(history) == ["created", "import"]
        audit = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case["id"])).one()
        assert audit.changes["import_line"]["to"] == 1
        assert s.scalar(select(func.count()).select_from(OutboxEvent)) == 0  # no mail for the past


def test_refused_records_are_named_by_line_and_reason_and_the_others_go_in(
    db: Database, world: World, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "cases.jsonl",
        [
            {"external_id": "a", "title": "good"},
            {"external_id": "b", "title": "who", "assignee": "nobody@acme.test"},
            "{not json",
            {"external_id": "c", "title": "where", "group": "Nowhere"},
            {"external_id": "a", "title": "again"},
            {"external_id": "d", "title": ""},
            {"external_id": "e", "title": "merged", "status": "Merged"},
        ],
    )

    summary = run(db, tmp_path, path, world)

    assert summary.imported == 1
    reasons = {r.line: r.reason for r in summary.refused}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7]
    assert "nobody@acme.test" in reasons[2] and "not an active user" in reasons[2]
    assert "not valid JSON" in reasons[3]
    assert "unknown group 'Nowhere'" in reasons[4]
    assert "already on line 1" in reasons[5]
    assert reasons[6].startswith("title:")
    assert "merge" in reasons[7]


def test_a_dry_run_reports_refusals_and_writes_nothing(
    db: Database, world: World, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "cases.jsonl",
        [
            full_record() | {"messages": full_record()["messages"][:2]},
            {"title": "x", "queue": "Q?"},
        ],
    )
    with db.read() as s:
        before = [s.scalar(select(func.count()).select_from(t)) for t in TABLES]

    summary = run(db, tmp_path, path, world, dry_run=True)

    assert summary.imported == 1 and [r.line for r in summary.refused] == [2]
    assert "unknown queue" in summary.refused[0].reason
    with db.read() as s:
        assert [s.scalar(select(func.count()).select_from(t)) for t in TABLES] == before
    stored = tmp_path / "attachments"
    assert not stored.exists() or not [p for p in stored.rglob("*") if p.is_file()]


def test_running_again_skips_what_is_in(db: Database, world: World, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "cases.jsonl", [{"title": f"case {i}"} for i in range(7)])
    first = run(db, tmp_path, path, world, batch=3)
    again = run(db, tmp_path, path, world, batch=3)
    assert (first.imported, again.imported, again.already) == (7, 0, 7)


def test_csv_cases_are_imported(db: Database, world: World, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "external_id,title,status,priority,contact_email,tags,created_at\n"
        "r1,Broken screen,open,Low,cy@customer.test,screen;hardware,2023-05-01T08:00:00+02:00\n"
        "r2,,open,Low,,,\n"
    )
    summary = run(db, tmp_path, path, world)
    assert summary.imported == 1
    assert [(r.line, r.reason.split(":")[0]) for r in summary.refused] == [(3, "title")]
    with db.read() as s:
        case = s.scalars(select(Case).where(Case.title == "Broken screen")).one()
        assert case.created_at.isoformat().startswith("2023-05-01T06:00:00")
