"""The retention job: closed cases older than the policy's days are anonymised or
deleted, once; open and recent cases are left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.automation.jobs import JOBS
from casedesk.automation.runner import run_due
from casedesk.services.kernel.clock import utcnow
from casedesk.services.privacy import retention
from casedesk.services.privacy.retention import PolicyOut
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, CaseMessage
from tests.services.portal.world import make_portal_world

RETENTION = [job for job in JOBS if job.name == "retention"]


@pytest.mark.parametrize("action", ["anonymise", "delete"])
def test_the_job_acts_once_on_old_closed_cases(
    client: TestClient, db: Database, action: str
) -> None:
    pw = make_portal_world(db)
    admin = pw.base.admin
    closed = pw.case_for(pw.carol, "Old printer trouble")
    still_open = pw.case_for(pw.carol, "Ongoing trouble")
    message = client.post(
        f"/api/v1/cases/{closed.id}/messages",
        json={"body_text": "Hello Carol Customer", "visibility": "external"},
        headers=admin.headers,
    )
    assert message.status_code in (200, 201), message.text
    r = client.patch(f"/api/v1/cases/{closed.id}", json={"status": 2}, headers=admin.headers)
    assert r.status_code == 200, r.text
    closed_at = r.json()["closed_at"]
    assert closed_at is not None

    refused = client.put(
        "/api/v1/retention-policy",
        json={"action": action, "days": 30},
        headers=pw.base.agent_a.headers,
    )
    assert refused.status_code == 403
    bad = client.put(
        "/api/v1/retention-policy", json={"action": "shred", "days": 30}, headers=admin.headers
    )
    assert bad.status_code in (400, 422)
    set_ = client.put(
        "/api/v1/retention-policy", json={"action": action, "days": 30}, headers=admin.headers
    )
    assert set_.status_code == 200, set_.text
    assert retention.get_policy(db, admin.principal) == PolicyOut(action=action, days=30)

    soon = utcnow() + timedelta(days=29)
    assert run_due(db, "one", jobs=RETENTION, now=lambda: soon) == {"retention": 0}
    later = utcnow() + timedelta(days=31)
    assert run_due(db, "two", jobs=RETENTION, now=lambda: later) == {"retention": 1}
    again = later + timedelta(hours=2)
    assert run_due(db, "two", jobs=RETENTION, now=lambda: again) == {"retention": 0}

    with db.read() as s:
        remaining = set(s.scalars(select(Case.id)))
        bodies = list(
            s.scalars(select(CaseMessage.body_text).where(CaseMessage.case_id == closed.id))
        )
        runs = s.scalar(select(func.count()).where(AuditEntry.action == f"retention.{action}"))
    assert still_open.id in remaining
    assert runs == 1
    if action == "delete":
        assert closed.id not in remaining
    else:
        assert closed.id in remaining
        assert not any("Carol Customer" in b for b in bodies)
        after = client.get(f"/api/v1/cases/{closed.id}", headers=admin.headers).json()
        assert after["status"] == 2 and after["closed_at"] == closed_at
