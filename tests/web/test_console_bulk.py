"""Bulk work in the console over HTTP: the list's form, a small change shown with what
failed and why, a large one as a job page with progress, and refused input."""

from __future__ import annotations

from casedesk.config import Settings
from casedesk.domain.statuses import InternalStatus as S
from casedesk.services.bulk import jobs
from casedesk.services.cases import core as cases
from casedesk.services.cases import saved_filters
from casedesk.store.db import Database
from tests.api.test_cases_api import status_id
from tests.factories import World, make_actor, make_case
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems


def test_ticked_cases_change_and_one_of_another_group_is_reported(
    settings: Settings, db: Database, world: World
) -> None:
    mine = [make_case(db, world.agent_a, group_id=world.group_a).id for _ in range(2)]
    hidden = make_case(db, world.agent_b, group_id=world.group_b).id
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get("/console/cases")
    assert 'id="bulk-form"' in page.text and 'id="keys-dialog"' in page.text
    assert markup_problems(page.text) == []
    pending = status_id(db, world.corporation_id, S.AWAITING_EXTERNAL)
    answer = alice.post(
        "/console/bulk",
        data={"csrf_token": csrf(alice), "case_id": [*mine, hidden], "status_id": str(pending)},
    )
    assert answer.status_code == 200
    assert "2 of 3 cases changed; 1 not changed." in answer.text
    assert "Not found or not yours to see" in answer.text
    assert markup_problems(answer.text) == []
    for case_id in mine:
        assert cases.get_case(db, world.agent_a.principal, case_id).status_id == pending
    admin = agent_client(settings, db, world.admin.email)
    moved = admin.post(
        "/console/bulk",
        data={"csrf_token": csrf(admin), "case_id": mine[0], "group_id": str(world.group_b)},
    )
    assert "1 of 1 cases changed." in moved.text
    assert cases.get_case(db, world.admin.principal, mine[0]).group_id == world.group_b


def test_a_large_change_has_a_page_with_progress(
    settings: Settings, db: Database, world: World
) -> None:
    for _ in range(3):
        make_case(db, world.agent_a, group_id=world.group_a)
    big = settings.model_copy(update={"bulk_job_cases": 1})
    alice = agent_client(big, db, world.agent_a.email)
    answer = alice.post(
        "/console/bulk",
        data={"csrf_token": csrf(alice), "all_matching": "1", "query": "", "add_tags": "late"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    url = answer.headers["location"]
    queued = alice.get(url)
    assert "<progress" in queued.text and "0 of 3 cases" in queued.text
    assert markup_problems(queued.text) == []
    bob = agent_client(big, db, world.agent_b.email)
    assert bob.get(url).status_code == 404
    jobs.run_queued(db, cases.utcnow())
    done = alice.get(url)
    assert "3 of 3 cases changed." in done.text and "<progress" not in done.text


def test_refused_input_changes_nothing(settings: Settings, db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    alice = agent_client(settings, db, world.agent_a.email)
    assert (
        alice.post("/console/bulk", data={"case_id": case.id, "priority_id": "1"}).status_code
        == 403
    )
    none_ticked = alice.post("/console/bulk", data={"csrf_token": csrf(alice), "priority_id": "1"})
    assert none_ticked.status_code == 422
    nothing = alice.post("/console/bulk", data={"csrf_token": csrf(alice), "case_id": case.id})
    assert nothing.status_code == 422


def test_a_view_shared_with_a_group_shows_in_its_members_sidebar_with_its_columns(
    settings: Settings, db: Database, world: World
) -> None:
    make_case(db, world.agent_a, group_id=world.group_a, title="Printer jam")
    carol = make_actor(db, "carol@acme.test", "agent", ["A"], world.corporation_id)
    saved = saved_filters.create_filter(db, world.agent_a.principal, "Printers", "q=printer")
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get("/console/cases")
    assert f'action="/console/filters/{saved.id}/share"' in page.text
    assert markup_problems(page.text) == []
    shared = alice.post(
        f"/console/filters/{saved.id}/share",
        data={"csrf_token": csrf(alice), "scope": f"group:{world.group_a}", "columns": "priority"},
    )
    assert shared.status_code == 200
    as_carol = agent_client(settings, db, carol.email).get("/console/cases")
    assert "Shared views" in as_carol.text and "Printers" in as_carol.text
    assert markup_problems(as_carol.text) == []
    listed = agent_client(settings, db, carol.email).get("/console/cases?q=printer")
    assert ">Priority</th>" in listed.text and ">Assignee</th>" not in listed.text
    as_bob = agent_client(settings, db, world.agent_b.email).get("/console/cases")
    assert "Printers" not in as_bob.text
    refused = alice.post(
        f"/console/filters/{saved.id}/share", data={"csrf_token": csrf(alice), "scope": "everyone"}
    )
    assert refused.status_code == 403
