"""An agent's cases are found by the assignee filter (and counted) however the case came
to be assigned, re-assigned or unassigned: opened with one, changed, added or ended as
a member, picked by the category's rules, merged, or imported."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from casedesk.domain.members import MemberRole
from casedesk.services.cases import core as cases
from casedesk.services.cases import members, merging
from casedesk.services.cases.schemas import CasePatch, CaseQuery, MemberCreate
from casedesk.services.cases.search import count_cases, search_cases
from casedesk.services.imports.runs import import_file
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMember
from tests.factories import World, make_actor, make_case, make_world


def titles(db: Database, world: World, query: CaseQuery) -> set[str]:
    """The titles the filter finds, after checking that the count agrees."""
    found = {c.title for c in search_cases(db, world.admin.principal, query).items}
    assert count_cases(db, world.admin.principal, query) == len(found)
    return found


def assigned_to(db: Database, world: World, user_id: int) -> set[str]:
    return titles(db, world, CaseQuery(assignee_id=[user_id]))


def unassigned(db: Database, world: World) -> set[str]:
    return titles(db, world, CaseQuery(unassigned=True))


def test_each_way_of_assigning_moves_the_case_between_agents(db: Database, tmp_path: Path) -> None:
    world = make_world(db)
    alice = world.agent_a
    bob = make_actor(db, "ben@acme.test", "agent", ["A"], world.corporation_id)
    admin = world.admin.principal

    opened = make_case(db, world.admin, title="opened", assignee_id=alice.user_id)
    patched = make_case(db, world.admin, title="patched", assignee_id=alice.user_id)
    member = make_case(db, world.admin, title="member")
    ended = make_case(db, world.admin, title="ended", assignee_id=alice.user_id)
    source = make_case(db, world.admin, title="source", assignee_id=bob.user_id)
    target = make_case(db, world.admin, title="target")
    assert assigned_to(db, world, alice.user_id) == {"opened", "patched", "ended"}
    assert assigned_to(db, world, bob.user_id) == {"source"}

    cases.update_case(db, admin, patched.id, CasePatch(assignee_id=bob.user_id))
    members.add_member(db, admin, member.id, MemberCreate(role=1, user_id=bob.user_id))
    members.end_member(db, admin, ended.id, 1, alice.user_id)
    merging.merge_case(db, admin, source.id, target.id)  # the source's assignee follows
    store = LocalBlobStore(tmp_path / "blobs")
    record = {"external_id": "x-1", "title": "imported", "assignee": "alice@acme.test"}
    (tmp_path / "cases.jsonl").write_text(json.dumps(record) + "\n")
    import_file(db, store, tmp_path / "cases.jsonl", corporation_id=world.corporation_id)

    assert assigned_to(db, world, alice.user_id) == {"opened", "imported"}
    assert assigned_to(db, world, bob.user_id) == {"patched", "member", "source"}
    assert unassigned(db, world) == {"ended", "target"}
    cases.update_case(db, admin, patched.id, CasePatch(assignee_id=None))
    assert assigned_to(db, world, bob.user_id) == {"member", "source"}
    assert unassigned(db, world) == {"ended", "target", "patched"}

    with db.read() as s:  # the case row says what its members say, for every case
        active = dict(
            s.execute(
                select(CaseMember.case_id, CaseMember.user_id).where(
                    CaseMember.role == int(MemberRole.ASSIGNED_USER),
                    CaseMember.end_at.is_(None),
                )
            ).all()
        )
        rows = s.execute(select(Case.id, Case.assignee_id)).all()
    assert {case_id: user for case_id, user in rows if user is not None} == active
    assert opened.id in active
