"""Bulk changes over HTTP: mixed rights (the others go on, each case audited alone),
merged cases and version conflicts reported with their reason, large requests as a job
with progress that only its owner sees, and refused input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.api.app import create_app
from casedesk.automation import runner
from casedesk.automation.jobs import JOBS
from casedesk.config import Settings
from casedesk.domain.statuses import InternalStatus as S
from casedesk.services.cases import core as cases
from casedesk.services.cases import merging, tags
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.api.test_cases_api import status_id
from tests.factories import World, make_case

BULK = "/api/v1/cases/bulk"


def audited(db: Database, case_id: int) -> list[dict[str, object]]:
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditEntry.changes).where(
                    AuditEntry.case_id == case_id, AuditEntry.action == "case.updated"
                )
            )
        )


def test_a_case_of_another_group_fails_with_its_reason_and_the_others_change(
    client: TestClient, db: Database, world: World
) -> None:
    mine = [make_case(db, world.agent_a, group_id=world.group_a).id for _ in range(3)]
    hidden = make_case(db, world.agent_b, group_id=world.group_b).id
    pending = status_id(db, world.corporation_id, S.AWAITING_EXTERNAL)
    r = client.post(
        BULK,
        json={"ids": [mine[0], hidden, *mine[1:]], "change": {"status_id": pending}},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["total"], body["succeeded"], body["failed"]) == (4, 3, 1)
    assert [(f["case_id"], f["reason"]) for f in body["failures"]] == [(hidden, "not-found")]
    for case_id in mine:
        assert cases.get_case(db, world.admin.principal, case_id).status_id == pending
        # One audit record per case, as if changed alone.
        [changes] = audited(db, case_id)
        assert changes["status_id"]["to"] == pending  # type: ignore[index]
    assert cases.get_case(db, world.admin.principal, hidden).status_id != pending
    assert audited(db, hidden) == []


def test_merged_cases_and_version_conflicts_are_reported(
    client: TestClient, db: Database, world: World
) -> None:
    one, two, three, target = (
        make_case(db, world.agent_a, group_id=world.group_a) for _ in range(4)
    )
    merging.merge_case(db, world.agent_a.principal, one.id, target.id)
    cases.update_case(db, world.agent_a.principal, two.id, cases.CasePatch(title="Changed"))
    r = client.post(
        BULK,
        json={
            "ids": [one.id, two.id, three.id],
            "versions": {str(two.id): two.version, str(three.id): three.version},
            "change": {"add_tags": ["vip"]},
        },
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    reasons = {f["case_id"]: f["reason"] for f in r.json()["failures"]}
    assert reasons == {one.id: "merged", two.id: "version-conflict"}
    assert tags.list_tags(db, world.agent_a.principal, three.id) == ["vip"]
    assert tags.list_tags(db, world.agent_a.principal, two.id) == []


def test_a_filter_selects_only_what_the_caller_sees_and_merges_into_one(
    client: TestClient, db: Database, world: World
) -> None:
    a = [make_case(db, world.agent_a, group_id=world.group_a, title=f"Jam {n}") for n in range(3)]
    make_case(db, world.agent_b, group_id=world.group_b, title="Jam elsewhere")
    r = client.post(
        BULK,
        json={"filter": f"group_id={world.group_a}", "change": {"merge_into_id": a[0].id}},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["total"], r.json()["failed"]) == (3, 0)
    for case in a[1:]:
        assert cases.get_case(db, world.admin.principal, case.id).merged_into_id == a[0].id


@pytest.mark.parametrize(
    "body",
    [
        {"change": {"status_id": 1}},
        {"ids": [1], "filter": "group_id=1", "change": {"status_id": 1}},
        {"ids": [1], "change": {}},
        {"ids": [1], "change": {"priority_id": None}},
        {"ids": [1], "change": {"colour": "red"}},
        {"ids": [], "change": {"status_id": 1}},
    ],
)
def test_bad_requests_are_refused_with_422(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    r = client.post(BULK, json=body, headers=world.agent_a.headers)
    assert r.status_code == 422, r.text


@pytest.fixture
def job_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"bulk_job_cases": 2})


def test_a_large_request_runs_as_a_job_with_progress_only_its_owner_sees(
    db: Database, world: World, job_settings: Settings
) -> None:
    ids = [make_case(db, world.agent_a, group_id=world.group_a).id for _ in range(3)]
    hidden = make_case(db, world.agent_b, group_id=world.group_b).id
    with TestClient(create_app(job_settings, db)) as client:
        r = client.post(
            BULK,
            json={"ids": [*ids, hidden], "change": {"assignee_id": world.agent_a.user_id}},
            headers=world.agent_a.headers,
        )
        assert r.status_code == 202, r.text
        job = r.json()
        assert (job["state"], job["total"], job["done"], job["progress"]) == ("queued", 4, 0, 0)
        url = r.headers["location"]
        assert client.get(url, headers=world.agent_b.headers).status_code == 404
        ran = runner.run_due(
            db, "test", jobs=[j for j in JOBS if j.name == "bulk"], now=lambda: datetime.now(UTC)
        )
        assert ran == {"bulk": 1}
        done = client.get(url, headers=world.agent_a.headers).json()
        assert (done["state"], done["done"], done["failed"], done["progress"]) == (
            "done",
            4,
            1,
            1,
        )
        assert [(f["case_id"], f["reason"]) for f in done["failures"]] == [(hidden, "not-found")]
    for case_id in ids:
        assert (
            cases.get_case(db, world.admin.principal, case_id).assignee_id == world.agent_a.user_id
        )


def test_a_macro_is_applied_to_each_case_as_if_applied_alone(
    client: TestClient, db: Database, world: World
) -> None:
    body = {
        "name": "Known outage",
        "actions": [{"type": "add_tags", "tags": ["outage"]}],
        "reply_text": "We know about the outage.",
        "group_id": world.group_a,
    }
    r = client.post("/api/v1/macros", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    macro = r.json()["id"]
    mine = [make_case(db, world.agent_a, group_id=world.group_a).id for _ in range(2)]
    hidden = make_case(db, world.agent_b, group_id=world.group_b).id
    r = client.post(
        BULK,
        json={"ids": [*mine, hidden], "change": {"macro_id": macro}},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["succeeded"], body["failed"]) == (2, 1)
    assert [f["case_id"] for f in body["failures"]] == [hidden]
    assert [tags.list_tags(db, world.admin.principal, c) for c in mine] == [["outage"]] * 2
    assert tags.list_tags(db, world.admin.principal, hidden) == []
    for case_id in mine:
        with db.read() as s:
            actors = s.scalars(
                select(AuditEntry.actor_label).where(AuditEntry.case_id == case_id)
            ).all()
        assert f"macro:{macro}" in actors
    # A macro the caller may not apply is refused before any case is touched.
    r = client.post(
        BULK,
        json={"ids": [hidden], "change": {"macro_id": macro}},
        headers=world.agent_b.headers,
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "change.macro_id"
